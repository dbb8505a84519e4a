import { Encoder, type Packet, PacketType } from 'socket.io-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { KnownJsonEncoder } from '../src/gateways/encoder';
import { jsonOnce } from '../src/json-once';
import { makeCall } from './storage/fixtures';

/**
 * The server's Socket.IO encoder takes a stored call version's JSON as it was made for the database
 * instead of making it again for each frame: every frame must be exactly Socket.IO's own.
 */
describe('frames with a call whose JSON was made once', () => {
  const check = process.env.SWITCHBOARD_CHECK_FRAMES;
  afterEach(() => {
    process.env.SWITCHBOARD_CHECK_FRAMES = check;
  });
  const ours = () => new KnownJsonEncoder();
  const socketIo = new Encoder();
  const event = (data: unknown[], nsp = '/agent'): Packet => ({ type: PacketType.EVENT, nsp, data });

  it('are Socket.IO’s own, for events and acks, in any namespace', () => {
    const call = makeCall();
    jsonOnce(call);
    const other = { ...makeCall(), state: 'ringing' as const };
    jsonOnce(other);
    const packets: Packet[] = [
      event(['call:changed', { call }]),
      event(['call:changed', { call }], '/'),
      { type: PacketType.ACK, nsp: '/device', id: 42, data: [{ ok: true, data: call }] },
      {
        type: PacketType.ACK,
        nsp: '/agent',
        id: 0,
        data: [{ ok: true, data: { live: [call, other], ended: [] } }],
      },
      event(['call:changed', { call, note: 'a "quoted" note\n', n: 1.5, none: null, skipped: undefined }]),
    ];
    for (const packet of packets) expect(ours().encode(packet)).toEqual(socketIo.encode(packet));
  });

  it('splice the JSON made once: the call is not turned into JSON again', () => {
    process.env.SWITCHBOARD_CHECK_FRAMES = '0';
    const call = makeCall();
    const made = jsonOnce(call);
    // Against the rule (a stored version never changes), to see which JSON the frame took.
    (call as { state: string }).state = 'changed afterwards';
    expect(ours().encode(event(['call:changed', { call }]))).toEqual([
      `2/agent,["call:changed",{"call":${made}}]`,
    ]);
    // The tests' check mode compares every frame with Socket.IO's, and would have caught it.
    process.env.SWITCHBOARD_CHECK_FRAMES = '1';
    expect(() => ours().encode(event(['call:changed', { call }]))).toThrow(/differs from Socket.IO/);
  });

  it('are left to Socket.IO where it would do more: binary, toJSON, classes, a payload reading as the mark', () => {
    const call = makeCall();
    jsonOnce(call);
    const packets: Packet[] = [
      event(['call:changed', { call, blob: Buffer.from('binary') }]),
      event(['call:changed', { call, at: new Date(0) }]),
      event(['call:changed', { call, odd: { toJSON: () => 'custom' } }]),
      event(['call:changed', { call, text: '\u0000json\u0000' }]),
      event(['roster:changed', { staff: [{ id: 'a' }] }]),
    ];
    for (const packet of packets) expect(ours().encode(packet)).toEqual(socketIo.encode(packet));
  });
});
