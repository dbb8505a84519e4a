import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Call } from '#shared';
import type { Redis } from './redis';

/** A stream entry as the adapter reads it (its `encode()`): `data` is JSON, or base64 msgpack when binary. */
export interface RawStreamMessage {
  uid: string;
  nsp: string;
  type: string;
  data?: string;
}

/** socket.io-adapter's `MessageType` (not a dependency of ours): a stream entry's type is its number as a string. */
const BROADCAST = '3';
const OPTS = '"opts":';
/** The broadcast flag of an entry that carries a change of a call to every node's view (hub.ts). */
const CARRIES_CALL = 'carriesCall';

/** What of a broadcast's options the reader looks at before parsing the packet. */
export interface BroadcastOpts {
  rooms: string[];
  /** It carries a change of a call for every node's live-call view. */
  carriesCall: boolean;
}

/**
 * The options of a plain broadcast entry, read from the tail of its JSON without parsing the
 * packet; null when it is anything else (or not in the shape the adapter writes), so the caller
 * parses it whole. The adapter writes `{"packet":…,"opts":{"rooms":…,"flags":…}}`: `opts` is the
 * last key, and a `"opts":` inside the packet's strings has its quotes escaped, so the last one is it.
 */
export function broadcastOpts(raw: RawStreamMessage): BroadcastOpts | null {
  const data = raw.data;
  if (raw.type !== BROADCAST || !data?.startsWith('{') || !data.endsWith('}')) return null;
  const at = data.lastIndexOf(OPTS);
  if (at < 0) return null;
  try {
    const opts = JSON.parse(data.slice(at + OPTS.length, -1)) as {
      rooms?: unknown;
      flags?: Record<string, unknown>;
    };
    const rooms = opts?.rooms;
    if (!Array.isArray(rooms) || !rooms.every((r) => typeof r === 'string')) return null;
    return { rooms, carriesCall: opts.flags?.[CARRIES_CALL] === true };
  } catch {
    return null;
  }
}

/** Whether no socket of this node is in any of `rooms` (no rooms: every socket of the namespace). */
export const noneLocal = (rooms: string[], local: Map<string, Set<string>>) =>
  rooms.length > 0 && rooms.every((room) => !local.get(room)?.size);

/** The live-call view's side of the stream (ClusterLiveCalls in hub.ts). */
export interface CallFeed {
  /** Whether a broadcast of this object should carry it as a call change (this node stored it, unsent). */
  claim(call: unknown): boolean;
  /** A change of a call another node stored, read from its broadcast. */
  heard(call: Call): void;
  /** Whether the view already has a later version of this call (hub.ts). */
  stale(call: Call): boolean;
}

type Decoded = { uid: string; nsp: string; type: number; data?: unknown };

/** The call a broadcast's packet sends (`{ call }`, as `call:changed` and `call:incoming` do), if any. */
function callIn(packet: Packet | undefined): Call | null {
  const call = (packet?.data?.[1] as { call?: Partial<Call> } | undefined)?.call;
  return call && typeof call.id === 'string' && Array.isArray(call.timeline) && Array.isArray(call.pushes)
    ? (call as Call)
    : null;
}
type Packet = { data?: unknown[] };
type Opts = { flags?: Record<string, unknown> };

/** What of the adapter this file uses (`onMessage` is protected in its types, public in its code). */
type Reader = {
  uid: string;
  rooms: Map<string, Set<string>>;
  onRawMessage(raw: RawStreamMessage, offset: string): unknown;
  onMessage(message: Decoded, offset?: string): void;
  broadcast(packet: Packet, opts: Opts): Promise<void>;
};

/**
 * The Socket.IO streams adapter, with savings:
 * - every node reads every broadcast from the stream, and for each one parsed the whole packet (a
 *   call with its timeline) and encoded it again for its sockets, also when none of them is in the
 *   broadcast's rooms (most of the time: a call's changes go to its agent's and its phone's rooms,
 *   on one node each). Such an entry is not parsed, nor is an entry of the node's own, and nothing
 *   of it reaches the adapter: this version of it counts the nodes with PUBSUB NUMSUB, not by their
 *   messages (a heartbeat passed on was dropped as a message of unknown type). Broadcasts with
 *   acknowledgements do not come this way: the adapter sends them over pub/sub, and every node
 *   answers them, cluster-streams.test;
 * - a change of a call goes to every node's live-call view in the first broadcast that sends it
 *   (flagged `carriesCall`, parsed by every node), not in a message of its own on the call channel.
 * And one thing the adapter would do is not done: a version of a call older than the one this
 * node's view holds is not delivered. A node lets a call's lock go as it stores a change and
 * broadcasts it a moment later, so the next holder's change can reach the stream first; its
 * sockets already had the later version, and the older one would take their screen back.
 */
export function streamsAdapter(
  client: Redis,
  opts: { streamName: string; channelPrefix: string },
  calls?: CallFeed,
) {
  const make = createAdapter(client, opts);
  // A function, not an arrow: Socket.IO calls it with `new` (an object returned from it is the result).
  return function adapterFor(nsp: unknown) {
    const adapter = make(nsp);
    const reader = adapter as unknown as Reader;
    const decode = (adapter.constructor as unknown as { decode(raw: RawStreamMessage): Decoded }).decode;
    const read = reader.onRawMessage.bind(reader);
    reader.onRawMessage = (raw, offset) => {
      // Its own entries come back to a node too: it delivered them to its sockets as it sent them,
      // and the adapter drops them, but only after parsing those whose rooms hold a socket of it.
      if (raw.uid === reader.uid) return;
      const o = broadcastOpts(raw);
      if (o && !o.carriesCall && noneLocal(o.rooms, reader.rooms)) return;
      if (!o && raw.type !== BROADCAST) return read(raw, offset);
      // For this node's sockets, or a call's change for its view (or a broadcast whose tail is not
      // read): parsed whole, as the adapter would.
      let message: Decoded;
      try {
        message = decode(raw);
      } catch {
        return read(raw, offset); // which drops it as the adapter does
      }
      const data = message.data as { packet?: Packet; opts?: Opts } | undefined;
      const call = callIn(data?.packet);
      if (call && data?.opts?.flags?.[CARRIES_CALL] === true) calls?.heard(call);
      if (o && noneLocal(o.rooms, reader.rooms)) return;
      // An older version of a call than the view has already: its sockets had the later one.
      if (call && calls?.stale(call)) return;
      return reader.onMessage(message, offset);
    };
    if (calls) {
      const broadcast = reader.broadcast.bind(reader);
      reader.broadcast = (packet, o) => {
        const payload = packet?.data?.[1] as { call?: unknown } | undefined;
        if (o.flags?.local || !payload || !calls.claim(payload.call)) return broadcast(packet, o);
        return broadcast(packet, { ...o, flags: { ...o.flags, [CARRIES_CALL]: true } });
      };
    }
    return adapter;
  };
}
