import { createAdapter } from '@socket.io/redis-streams-adapter';
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
const HEARTBEAT = 2;
const OPTS = '"opts":';

/**
 * The rooms a plain broadcast entry names, read from the tail of its JSON without parsing the
 * packet; null when it is anything else (or not in the shape the adapter writes), so the caller
 * lets the adapter decode it. The adapter writes `{"packet":…,"opts":{"rooms":…}}`: `opts` is the
 * last key, and a `"opts":` inside the packet's strings has its quotes escaped, so the last one is it.
 */
export function broadcastRooms(raw: RawStreamMessage): string[] | null {
  const data = raw.data;
  if (raw.type !== BROADCAST || !data?.startsWith('{') || !data.endsWith('}')) return null;
  const at = data.lastIndexOf(OPTS);
  if (at < 0) return null;
  try {
    const opts = JSON.parse(data.slice(at + OPTS.length, -1)) as { rooms?: unknown };
    const rooms = opts?.rooms;
    return Array.isArray(rooms) && rooms.every((r) => typeof r === 'string') ? rooms : null;
  } catch {
    return null;
  }
}

/** Whether no socket of this node is in any of `rooms` (no rooms: every socket of the namespace). */
export const noneLocal = (rooms: string[], local: Map<string, Set<string>>) =>
  rooms.length > 0 && rooms.every((room) => !local.get(room)?.size);

/** What of the adapter this file uses (`onMessage` is protected in its types, public in its code). */
type Reader = {
  uid: string;
  rooms: Map<string, Set<string>>;
  onRawMessage(raw: RawStreamMessage, offset: string): unknown;
  onMessage(message: { uid: string; nsp: string; type: number }, offset?: string): void;
};

/**
 * The Socket.IO streams adapter, with one saving: every node reads every broadcast from the stream,
 * and for each one parsed the whole packet (a call with its timeline) and encoded it again for its
 * sockets, also when none of them is in the broadcast's rooms (most of the time: a call's changes go
 * to its agent's and its phone's rooms, on one node each). Such an entry now counts only as a sign
 * of life of the node that sent it (the adapter counts nodes by their messages, and a busy node
 * sends no heartbeats), and is not parsed; nor is an entry of the node's own. What is delivered,
 * and to whom, does not change.
 */
export function streamsAdapter(client: Redis, opts: { streamName: string; channelPrefix: string }) {
  const make = createAdapter(client, opts);
  // A function, not an arrow: Socket.IO calls it with `new` (an object returned from it is the result).
  return function adapterFor(nsp: unknown) {
    const adapter = make(nsp);
    const reader = adapter as unknown as Reader;
    const read = reader.onRawMessage.bind(reader);
    reader.onRawMessage = (raw, offset) => {
      // Its own entries come back to a node too: it delivered them to its sockets as it sent them,
      // and the adapter drops them, but only after parsing those whose rooms hold a socket of it.
      if (raw.uid === reader.uid) return;
      const rooms = broadcastRooms(raw);
      if (rooms && noneLocal(rooms, reader.rooms)) {
        reader.onMessage({ uid: raw.uid, nsp: raw.nsp, type: HEARTBEAT }, offset);
        return;
      }
      read(raw, offset);
    };
    return adapter;
  };
}
