import { Encoder, type Packet, PacketType } from 'socket.io-parser';
import { knownJson } from '../json-once';

/**
 * Socket.IO's encoder, taking a call's JSON from where it was already made. A call's every version
 * is turned into JSON for its write to the database (storage/calls.ts), then again for each frame
 * that carries it (its `call:changed`, the ack of the request that made it), after Socket.IO has
 * walked the whole call once more looking for binary attachments: a tenth of a single server's
 * CPU per call setup (bench/README.md). Frames are byte for byte those of Socket.IO's own encoder
 * (`SWITCHBOARD_CHECK_FRAMES=1`, set for the tests, compares every one), so clients see nothing.
 */

/** Stands for an object whose JSON is known, in the JSON of what carries it; spliced out after. */
const MARK = '\u0000json\u0000';
const MARKED = JSON.stringify(MARK);

/**
 * Whether anything in `value`, outside the objects whose JSON is known, is binary or turns into
 * JSON by its own rules (`toJSON`), exactly where socket.io-parser's `hasBinary` would look: then
 * Socket.IO's own encoder does the frame. `found` counts the known objects met.
 */
function plainOutsideKnown(value: unknown, found: { n: number }): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (knownJson(value) !== undefined) {
    found.n += 1;
    return true;
  }
  if (Array.isArray(value)) return value.every((v) => plainOutsideKnown(v, found));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  for (const key in value) {
    if (!plainOutsideKnown((value as Record<string, unknown>)[key], found)) return false;
  }
  return true;
}

/**
 * Whether a known object is among the first `depth` levels of `value` (a call in `call:changed`'s
 * payload is at 2, in `call:sync`'s ack at 4): a look that stops short, so that a frame without one
 * (the roster, its hundreds of entries) is not walked twice, here and by Socket.IO's encoder.
 */
function knownWithin(value: unknown, depth: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (knownJson(value) !== undefined) return true;
  if (depth === 0) return false;
  if (Array.isArray(value)) return value.some((v) => knownWithin(v, depth - 1));
  for (const key in value) {
    if (knownWithin((value as Record<string, unknown>)[key], depth - 1)) return true;
  }
  return false;
}

export class KnownJsonEncoder extends Encoder {
  private readonly check = process.env.SWITCHBOARD_CHECK_FRAMES === '1';

  override encode(packet: Packet): unknown[] {
    if (packet.type !== PacketType.EVENT && packet.type !== PacketType.ACK) return super.encode(packet);
    if (!knownWithin(packet.data, 4)) return super.encode(packet);
    const found = { n: 0 };
    if (!plainOutsideKnown(packet.data, found) || found.n === 0) return super.encode(packet);
    const frame = this.frame(packet, found.n);
    if (frame === null) return super.encode(packet);
    if (this.check) {
      const expected = super.encode(packet);
      if (expected.length !== 1 || expected[0] !== frame) {
        throw new Error(`encoder: frame differs from Socket.IO's:\n${frame}\n${String(expected[0])}`);
      }
    }
    return [frame];
  }

  /** As `Encoder.encodeAsString`, with the known objects' JSON spliced in; null if it cannot be. */
  private frame(packet: Packet, known: number): string | null {
    const spliced: string[] = [];
    const json = JSON.stringify(packet.data, (_key, value: unknown) => {
      if (typeof value !== 'object' || value === null) return value;
      const text = knownJson(value);
      if (text === undefined) return value;
      spliced.push(text);
      return MARK;
    });
    const pieces = json.split(MARKED);
    // A string of the payload's own that reads as the mark: Socket.IO's encoder does this one.
    if (spliced.length !== known || pieces.length !== known + 1) return null;
    let out = String(packet.type);
    if (packet.nsp && packet.nsp !== '/') out += `${packet.nsp},`;
    if (packet.id !== undefined && packet.id !== null) out += packet.id;
    out += pieces[0];
    for (let i = 0; i < known; i++) out += `${spliced[i]}${pieces[i + 1]}`;
    return out;
  }
}
