import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { Server } from 'socket.io';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisForTests, startRedis } from '../../test-support/redis';
import { connectRedis, type Redis } from '../src/cluster/redis';
import { broadcastRooms, noneLocal, type RawStreamMessage, streamsAdapter } from '../src/cluster/streams';

const logger = pino({ level: 'silent' });
const STREAM = 'streams-test:sio';

/** Three Socket.IO servers on one Redis stream, as three nodes' would be; a client on each. */
async function threeNodes(redis: RedisForTests) {
  const redisClients: Redis[] = [];
  const clients: ClientSocket[] = [];
  const node = async () => {
    const client = await connectRedis(redis.url, logger, 'adapter', { timeout: 0 });
    redisClients.push(client);
    const http = createServer();
    const io = new Server(http, {
      adapter: streamsAdapter(client, { streamName: STREAM, channelPrefix: STREAM }),
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const socket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
      transports: ['websocket'],
    });
    clients.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    return io;
  };
  const nodes = [await node(), await node(), await node()];
  // Each joins a room of its own (a console's `agent:<id>`).
  for (const [i, io] of nodes.entries()) for (const s of await io.local.fetchSockets()) s.join(`room${i}`);
  return {
    nodes,
    clients,
    async close() {
      for (const c of clients) c.close();
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

  it('reads the rooms of the entries the adapter writes, whatever the packet holds', async () => {
    const raw = await readStream(redis);
    const rooms = raw.map(broadcastRooms);
    expect(rooms).toContainEqual(['room0']);
    expect(rooms).toContainEqual([]);
    expect(noneLocal(['room0'], new Map([['room0', new Set(['s'])]]))).toBe(false);
    expect(noneLocal(['room0'], new Map([['room0', new Set()]]))).toBe(true);
    expect(noneLocal([], new Map())).toBe(false);
    // Anything else the adapter decodes as before.
    expect(broadcastRooms({ uid: 'u', nsp: '/', type: '4', data: '{"opts":{"rooms":["r"]}}' })).toBeNull();
    expect(broadcastRooms({ uid: 'u', nsp: '/', type: '3', data: 'gqZwYWNrZXQ=' })).toBeNull();
    expect(
      broadcastRooms({ uid: 'u', nsp: '/', type: '3', data: '{"packet":{},"opts":{"rooms":[1]}}' }),
    ).toBeNull();
  });
});

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
