import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type RedisForTests, startRedis } from '../../test-support/redis';
import { ClusterLiveCalls } from '../src/cluster/hub';
import { connectRedis, type Redis } from '../src/cluster/redis';
import {
  broadcastOpts,
  type CallFeed,
  joinEntries,
  noneLocal,
  type RawStreamMessage,
  splitEntry,
  streamsAdapter,
} from '../src/cluster/streams';

const logger = pino({ level: 'silent' });
const STREAM = 'streams-test:sio';

/**
 * Three Socket.IO servers on one Redis stream, as three nodes' would be; a client on each, and a
 * phone in the `/device` namespace on the same connection. `views`: each node's live-call view,
 * given its Redis client.
 */
async function threeNodes(
  redis: RedisForTests,
  stream = STREAM,
  views?: (client: Redis, node: number) => CallFeed,
) {
  const redisClients: Redis[] = [];
  const clients: ClientSocket[] = [];
  const phones: ClientSocket[] = [];
  const node = async (i: number) => {
    const client = await connectRedis(redis.url, logger, 'adapter', { timeout: 0 });
    redisClients.push(client);
    const http = createServer();
    const io = new Server(http, {
      adapter: streamsAdapter(client, { streamName: stream, channelPrefix: stream }, views?.(client, i)),
    });
    io.of('/device');
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const socket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ['websocket'],
    });
    clients.push(socket);
    const phone = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}/device`, {
      transports: ['websocket'],
    });
    phones.push(phone);
    await Promise.all([socket, phone].map((s) => new Promise<void>((resolve) => s.once('connect', resolve))));
    return io;
  };
  const nodes = [await node(0), await node(1), await node(2)];
  // Each joins a room of its own (a console's `agent:<id>`, a phone's `device:<id>`).
  for (const [i, io] of nodes.entries()) {
    for (const s of await io.local.fetchSockets()) s.join(`room${i}`);
    for (const s of await io.of('/device').local.fetchSockets()) s.join(`phone${i}`);
  }
  return {
    nodes,
    clients,
    phones,
    async close() {
      for (const c of [...clients, ...phones]) c.close();
      for (const io of nodes) await io.close();
      for (const c of redisClients) await c.quit().catch(() => undefined);
    },
  };
}

const next = (socket: ClientSocket, event: string) =>
  new Promise<unknown[]>((resolve) => socket.once(event, (...args: unknown[]) => resolve(args)));

describe('the streams adapter (cluster/streams.ts)', () => {
  let redis: RedisForTests;
  let cluster: Awaited<ReturnType<typeof threeNodes>>;
  beforeAll(async () => {
    redis = await startRedis();
    cluster = await threeNodes(redis);
  });
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it('delivers a broadcast on the node whose socket is in the room, and no other node parses it', async () => {
    const [a, b, c] = cluster.nodes as [Server, Server, Server];
    // What node c's adapter is handed: nothing of an entry none of its sockets is in, not even as
    // a heartbeat of its sender (this adapter's version counts nodes by PUBSUB NUMSUB).
    const handed: unknown[] = [];
    const toC = c.of('/').adapter as unknown as { onMessage: (message: unknown, ...rest: unknown[]) => void };
    const onMessage = toC.onMessage.bind(toC);
    toC.onMessage = (message, ...rest) => {
      handed.push(message);
      onMessage(message, ...rest);
    };
    const applied = (io: Server) => {
      const adapter = io.of('/').adapter as unknown as { apply: (...args: unknown[]) => void };
      const seen: unknown[] = [];
      const apply = adapter.apply.bind(adapter);
      adapter.apply = (opts, ...rest) => {
        seen.push(opts);
        apply(opts, ...rest);
      };
      return seen;
    };
    const onB = applied(b);
    const onC = applied(c);
    const call = { id: 'c1', note: 'a string with "opts": in it', opts: { rooms: ['room2'] } };
    const toA = next(cluster.clients[0]!, 'call:changed');
    // From node b: its own apply runs (the sender delivers locally first), node c's never does.
    b.to('room0').emit('call:changed', { call });
    expect(await toA).toEqual([{ call }]);
    // The stream is read in order: once everyone has the next broadcast, the first one was read too.
    const all = cluster.clients.map((s) => next(s, 'roster:changed'));
    a.emit('roster:changed', { n: 1 });
    await Promise.all(all);
    expect(onC).toHaveLength(1); // only the broadcast to every socket
    expect(onB).toHaveLength(2); // its own, and the one to every socket
    expect(handed).toHaveLength(1);
  });

  it("does not parse its own entries when they come back, also those to its sockets' rooms", async () => {
    const [a, b] = cluster.nodes as [Server, Server, Server];
    const adapter = a.of('/').adapter as unknown as {
      uid: string;
      onMessage: (message: { uid: string }, ...rest: unknown[]) => void;
    };
    const own: unknown[] = [];
    const onMessage = adapter.onMessage.bind(adapter);
    adapter.onMessage = (message, ...rest) => {
      if (message.uid === adapter.uid) own.push(message);
      onMessage(message, ...rest);
    };
    const toA = next(cluster.clients[0]!, 'call:changed');
    a.to('room0').emit('call:changed', { call: { id: 'c2' } });
    expect(await toA).toEqual([{ call: { id: 'c2' } }]);
    // Node a reads the stream in order: once its socket has b's later broadcast, a's own entry was read.
    const fromB = next(cluster.clients[0]!, 'roster:changed');
    b.emit('roster:changed', { n: 2 });
    await fromB;
    expect(own).toEqual([]);
  });

  it('a broadcast with acknowledgements is answered by every node, also those with no socket in its rooms', async () => {
    const [, b] = cluster.nodes as [Server, Server, Server];
    cluster.clients[0]!.once('call:cancelled', (_payload: unknown, ack: (answer: string) => void) =>
      ack('seen'),
    );
    // The sender counts the nodes and waits for each one's count of sockets (a cancel's socket
    // acknowledgement, askCancelAckAcross). The adapter sends such a broadcast over pub/sub, not
    // the stream whose entries a node with no socket in the rooms skips; were it skipped, every
    // such broadcast would wait out its timeout and end with "operation has timed out".
    const [err, answers] = await new Promise<[unknown, unknown]>((resolve) =>
      b
        .to('room0')
        .timeout(3000)
        .emit('call:cancelled', { callId: 'c3' }, (e: unknown, a: unknown) => resolve([e, a])),
    );
    expect(err).toBeNull();
    expect(answers).toEqual(['seen']);
  });

  it("writes a turn's broadcasts as one stream entry, which every node reads in the order they were emitted", async () => {
    const [, b] = cluster.nodes as [Server, Server, Server];
    const before = await streamLength(redis);
    // Node a's console and phone share one connection: what it gets there comes in the order sent.
    const onA: unknown[] = [];
    const onB: unknown[] = [];
    const onC: unknown[] = [];
    const heard = (into: unknown[], ...sockets: ClientSocket[]) =>
      sockets.forEach((s) => {
        s.on('call:changed', (payload: unknown) => into.push(payload));
      });
    heard(onA, cluster.clients[0]!, cluster.phones[0]!);
    heard(onB, cluster.clients[1]!);
    heard(onC, cluster.phones[2]!);
    const last = Promise.all([
      next(cluster.phones[0]!, 'roster:changed'),
      next(cluster.clients[1]!, 'roster:changed'),
      next(cluster.phones[2]!, 'roster:changed'),
    ]);
    // One turn of node b: two namespaces, a room on each node (node b's own included).
    b.to('room0').emit('call:changed', { n: 1 });
    b.of('/device').to('phone0').emit('call:changed', { n: 2 });
    b.to('room1').emit('call:changed', { n: 3 });
    b.of('/device').to('phone2').emit('call:changed', { n: 4 });
    b.to('room0').emit('call:changed', { n: 5 });
    b.of('/device').to('phone0').emit('call:changed', { n: 6 });
    for (const room of ['phone0', 'phone2']) b.of('/device').to(room).emit('roster:changed', {});
    b.to('room1').emit('roster:changed', {});
    await last;
    expect(onA).toEqual([{ n: 1 }, { n: 2 }, { n: 5 }, { n: 6 }]);
    expect(onB).toEqual([{ n: 3 }]);
    expect(onC).toEqual([{ n: 4 }]);
    expect((await streamLength(redis)) - before).toBe(1);
    for (const s of [...cluster.clients, ...cluster.phones]) s.off('call:changed');
  });

  it('keeps what else the adapter sends in its place among the broadcasts of a turn', async () => {
    const [, b] = cluster.nodes as [Server, Server, Server];
    const got: unknown[] = [];
    cluster.clients[0]!.on('news', (payload: unknown) => got.push(payload));
    const after = next(cluster.clients[0]!, 'news');
    // Node a's socket joins `extra` between the two broadcasts: it gets the second only.
    b.to('extra').emit('news', { n: 'before the join' });
    b.in('room0').socketsJoin('extra');
    b.to('extra').emit('news', { n: 'after the join' });
    await after;
    expect(got).toEqual([{ n: 'after the join' }]);
    cluster.clients[0]!.off('news');
  });

  it('reads the rooms of the entries the adapter writes, whatever the packet holds', async () => {
    const raw = await readStream(redis);
    const rooms = raw.flatMap(splitEntry).map((entry) => broadcastOpts(entry)?.rooms);
    expect(rooms).toContainEqual(['room0']);
    expect(rooms).toContainEqual([]);
    expect(rooms).toContainEqual(['phone2']); // the fourth broadcast of an entry of several
    const [one, two] = [
      { uid: 'u1', nsp: '/', type: '3', data: '{"packet":{},"opts":{"rooms":["r"]}}' },
      { uid: 'u2', nsp: '/device', type: '3', data: 'gqZwYWNrZXQ=' },
    ];
    expect(splitEntry(joinEntries([one, two]))).toEqual([one, two]);
    expect(splitEntry(one)).toEqual([one]);
    expect(noneLocal(['room0'], new Map([['room0', new Set(['s'])]]))).toBe(false);
    expect(noneLocal(['room0'], new Map([['room0', new Set()]]))).toBe(true);
    expect(noneLocal([], new Map())).toBe(false);
    // Anything else the adapter decodes as before.
    expect(broadcastOpts({ uid: 'u', nsp: '/', type: '4', data: '{"opts":{"rooms":["r"]}}' })).toBeNull();
    expect(broadcastOpts({ uid: 'u', nsp: '/', type: '3', data: 'gqZwYWNrZXQ=' })).toBeNull();
    expect(
      broadcastOpts({ uid: 'u', nsp: '/', type: '3', data: '{"packet":{},"opts":{"rooms":[1]}}' }),
    ).toBeNull();
  });
});

describe('calls in the stream, against each node’s live-call view', () => {
  let redis: RedisForTests;
  let cluster: Awaited<ReturnType<typeof threeNodes>>;
  const views: ClusterLiveCalls[] = [];
  const noStore = {
    get: async () => null,
    listLive: async () => [],
    listLiveMentioning: async () => [],
  };
  beforeAll(async () => {
    redis = await startRedis();
    cluster = await threeNodes(redis, 'streams-test-calls:sio', (client, i) => {
      const view = new ClusterLiveCalls(client, 'streams-test-calls:calls', `n${i}`, logger, noStore);
      views.push(view);
      return view;
    });
  });
  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  /** A call as far as `entries` timeline entries (how far a version has come: hub.ts). */
  const version = (entries: number) =>
    ({ id: 'late1', state: 'ringing', timeline: Array(entries).fill({}), pushes: [] }) as unknown as Call;

  it('an older version of a call that reaches the stream after a later one is not delivered', async () => {
    const [a, b] = cluster.nodes as [Server, Server, Server];
    const [viewA, viewB] = views as [ClusterLiveCalls, ClusterLiveCalls];
    const seen: Call[] = [];
    cluster.clients[2]!.on('call:changed', ({ call }: { call: Call }) => seen.push(call));
    // Node b stored version 2 and let the call's lock go; before its broadcast left, node a took
    // the lock, stored version 3 and broadcast it: node c's socket has version 3 first.
    const three = version(3);
    viewA.put(three);
    const first = next(cluster.clients[2]!, 'call:changed');
    a.to('room2').emit('call:changed', { call: three });
    await first;
    // Then b's broadcast of version 2: as the change's first broadcast (carrying the call to
    // every view), and again as a plain one.
    const two = version(2);
    viewB.put(two);
    b.to('room2').emit('call:changed', { call: two });
    b.to('room2').emit('call:changed', { call: two });
    // Then version 4 from b, which node c's socket gets: the two before it were read first.
    const four = version(4);
    viewB.put(four);
    const last = next(cluster.clients[2]!, 'call:changed');
    b.to('room2').emit('call:changed', { call: four });
    await last;
    expect(seen.map((c) => c.timeline.length)).toEqual([3, 4]);
    expect(views[2]!.get('late1')?.timeline.length).toBe(4);
  });
});

/** How many entries the stream holds. */
async function streamLength(redis: RedisForTests): Promise<number> {
  const client = await connectRedis(redis.url, logger, 'reader');
  try {
    return await client.xLen(STREAM);
  } finally {
    await client.quit();
  }
}

/** The stream's entries as the adapter wrote them. */
async function readStream(redis: RedisForTests): Promise<RawStreamMessage[]> {
  const client = await connectRedis(redis.url, logger, 'reader');
  try {
    const entries = await client.xRange(STREAM, '-', '+');
    return (entries ?? []).map((e) => e.message as unknown as RawStreamMessage);
  } finally {
    await client.quit();
  }
}
