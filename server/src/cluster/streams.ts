import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Call } from '#shared';
import type { Redis } from './redis';

/**
 * A stream entry as the adapter reads it (its `encode()`): `data` is JSON, or base64 msgpack when
 * binary. An entry holding a turn's broadcasts (`joinEntries`) has more fields: `uid1`, `nsp1`,
 * `data1` for the second, and so on.
 */
export interface RawStreamMessage {
  uid: string;
  nsp: string;
  type: string;
  data?: string;
  [field: string]: string | undefined;
}

/** socket.io-adapter's `MessageType` (not a dependency of ours): a stream entry's type is its number as a string. */
const BROADCAST = '3';
const BROADCAST_TYPE = 3;
const OPTS = '"opts":';
/** The adapter's default trim of the stream (approximate MAXLEN), given to it so that both write the same. */
const MAX_LEN = 10_000;
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

/**
 * One stream entry holding several broadcasts, in the order they were emitted: the first in the
 * adapter's own fields, each next one's in `uid<i>`, `nsp<i>` and `data<i>` (all broadcasts: type 3).
 */
export function joinEntries(entries: RawStreamMessage[]): RawStreamMessage {
  const [first, ...rest] = entries as [RawStreamMessage, ...RawStreamMessage[]];
  const joined: RawStreamMessage = { ...first };
  rest.forEach((entry, i) => {
    joined[`uid${i + 1}`] = entry.uid;
    joined[`nsp${i + 1}`] = entry.nsp;
    if (entry.data !== undefined) joined[`data${i + 1}`] = entry.data;
  });
  return joined;
}

/** The broadcasts of a stream entry, in order: itself, or those `joinEntries` put in it. */
export function splitEntry(raw: RawStreamMessage): RawStreamMessage[] {
  if (raw.nsp1 === undefined) return [raw];
  const entries: RawStreamMessage[] = [{ uid: raw.uid, nsp: raw.nsp, type: raw.type, data: raw.data }];
  for (let i = 1; raw[`nsp${i}`] !== undefined; i++) {
    entries.push({
      uid: raw[`uid${i}`] ?? '',
      nsp: raw[`nsp${i}`] ?? '',
      type: BROADCAST,
      data: raw[`data${i}`],
    });
  }
  return entries;
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
/** What the adapter publishes (socket.io-adapter's `ClusterMessage`). */
type Published = { uid: string; nsp: string; type: number; data?: { requestId?: string } };

/** What of the adapter this file uses (`onMessage` and the rest are protected in its types, public in its code). */
type Reader = {
  uid: string;
  nsp: { name: string };
  rooms: Map<string, Set<string>>;
  onRawMessage(raw: RawStreamMessage, offset: string): unknown;
  onMessage(message: Decoded, offset?: string): void;
  broadcast(packet: Packet, opts: Opts): Promise<void>;
  encode(message: Published): RawStreamMessage;
  doPublish(message: Published): Promise<string>;
  doPublishResponse(requesterUid: string, response: unknown): Promise<void>;
  close(): unknown;
};

/**
 * A node's broadcasts through the stream in one turn, written as one entry at its end: a change of
 * a call goes to its agent's room, each phone's room (two namespaces) and sometimes the admins',
 * and every node reads every entry. Each broadcast resolves with the entry's id, as with an XADD
 * of its own; the adapter delivers to this node's sockets once it resolves (or fails), in order.
 */
class Outbox {
  private entries: RawStreamMessage[] = [];
  private waiting: { resolve(id: string): void; reject(err: unknown): void }[] = [];

  constructor(
    private readonly client: Redis,
    private readonly streamName: string,
  ) {}

  add(entry: RawStreamMessage): Promise<string> {
    if (this.entries.length === 0) queueMicrotask(() => this.flush());
    this.entries.push(entry);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /**
   * Writes what waits. The adapter's other messages (the pub/sub of a broadcast with
   * acknowledgements, answers to other nodes, a join of remote sockets) call it first, so what it
   * sends goes to Redis in the order it sent it, as before.
   */
  flush(): void {
    if (this.entries.length === 0) return;
    const [entries, waiting] = [this.entries, this.waiting];
    this.entries = [];
    this.waiting = [];
    const entry = entries.length === 1 ? (entries[0] as RawStreamMessage) : joinEntries(entries);
    // node-redis's commands are async functions: a failure is a rejection, never a throw here.
    this.client
      .xAdd(this.streamName, '*', entry as Record<string, string>, {
        TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: MAX_LEN },
      })
      .then(
        (id) => {
          for (const w of waiting) w.resolve(id);
        },
        (err: unknown) => {
          for (const w of waiting) w.reject(err);
        },
      );
  }
}

/**
 * The Socket.IO streams adapter, with savings:
 * - a node's broadcasts of one turn go in one stream entry (`Outbox`), not an XADD each: a change
 *   of a call emits to its agent's room, each phone's room and sometimes the admins', and every
 *   node reads every entry. Every node reads the entry's broadcasts in the order they were emitted,
 *   each as if it were an entry of its own, so who gets what, and in which order, does not change
 *   (other nodes' entries can no longer fall between them). An entry of one broadcast is the
 *   adapter's own. A node on the code before this one reads an entry of several broadcasts as its
 *   first one and ignores the others (fields it does not know): during a rolling upgrade, its
 *   sockets miss an upgraded node's second and later broadcasts of a turn (the phone's change of a
 *   call the agent's console got), until it is upgraded too;
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
  const make = createAdapter(client, { ...opts, maxLen: MAX_LEN });
  const outbox = new Outbox(client, opts.streamName);
  /** Each namespace's reading of a broadcast: an entry's broadcasts may be of several. */
  const readers = new Map<string, (raw: RawStreamMessage, offset: string) => void>();
  // A function, not an arrow: Socket.IO calls it with `new` (an object returned from it is the result).
  return function adapterFor(nsp: unknown) {
    const adapter = make(nsp);
    const reader = adapter as unknown as Reader;
    const decode = (adapter.constructor as unknown as { decode(raw: RawStreamMessage): Decoded }).decode;
    const read = reader.onRawMessage.bind(reader);
    const receive = (raw: RawStreamMessage, offset: string) => {
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
    readers.set(reader.nsp.name, receive);
    // The reader hands each entry to the adapter of its (first) namespace. The offset, the same for
    // each broadcast of an entry, only matters to connection state recovery, which is not used
    // (turned on, its replay of missed entries would read only each entry's first broadcast).
    reader.onRawMessage = (raw, offset) => {
      for (const entry of splitEntry(raw)) readers.get(entry.nsp)?.(entry, offset);
    };
    const publish = reader.doPublish.bind(reader);
    reader.doPublish = (message) => {
      if (message.type === BROADCAST_TYPE && message.data?.requestId === undefined) {
        return outbox.add(reader.encode(message));
      }
      outbox.flush();
      return publish(message);
    };
    const respond = reader.doPublishResponse.bind(reader);
    reader.doPublishResponse = (requesterUid, response) => {
      outbox.flush();
      return respond(requesterUid, response);
    };
    const close = reader.close.bind(reader);
    reader.close = () => {
      readers.delete(reader.nsp.name);
      return close();
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
