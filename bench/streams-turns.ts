// `npx tsx bench/streams-turns.ts --base DIR [--turns N] [--rounds R]`: CPU of a call change's broadcasts through the streams adapter, this tree's cluster/streams.ts against DIR's, in one process.
/**
 * What the Redis side of one change of a call costs the nodes, alone: three Socket.IO servers in
 * this process on one Redis (a stream each side), a console in `/agent` on node 0 (the change's
 * node), a phone in `/device` on node 1 and an admin's console on node 2. A turn is what
 * `CallLifecycle.deliver` and the Live board's hint send for one change: `call:changed` with a
 * whole call (about 2 KB of JSON) to the agent's room and to the phone's room, `live:changed` to
 * the admins; the next turn starts once all three clients have theirs. Rounds alternate between
 * the two trees' adapters; each round's figure is this process's CPU per turn (servers, their
 * Redis clients and the three Socket.IO clients: the clients' share is the same on both sides, so
 * compare the difference, not the ratio). Redis's own CPU is not counted.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Server, type ServerOptions } from 'socket.io';
import { type Socket as ClientSocket, io as connect } from 'socket.io-client';
import { startRedis } from '../test-support/redis';
import { percentile } from './stats';

const { values: flags } = parseArgs({
  options: {
    base: { type: 'string' },
    turns: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '10' },
  },
});
if (!flags.base) throw new Error('--base DIR is required');
const TURNS = Number(flags.turns);
const ROUNDS = Number(flags.rounds);
const logger = pino({ level: 'silent' });

/** What the bench uses of a tree's cluster/streams.ts and cluster/redis.ts. */
interface RedisClient {
  quit(): Promise<unknown>;
}
type StreamsAdapter = (
  client: RedisClient,
  opts: { streamName: string; channelPrefix: string },
  feed: { claim(call: unknown): boolean; heard(call: unknown): void; stale(call: unknown): boolean },
) => ServerOptions['adapter'];
type ConnectRedis = (
  url: string,
  logger: unknown,
  role: string,
  opts: { timeout: number },
) => Promise<RedisClient>;
interface Tree {
  streamsAdapter: StreamsAdapter;
  connectRedis: ConnectRedis;
}

/**
 * A tree's own modules, each loaded from its path: the bench measures the server's internals,
 * this tree's against another's, not what the server exports (server/src/index.ts).
 */
async function load(root: string): Promise<Tree> {
  const streams = (await import(path.resolve(root, 'server/src/cluster/streams.ts'))) as Pick<
    Tree,
    'streamsAdapter'
  >;
  const redis = (await import(path.resolve(root, 'server/src/cluster/redis.ts'))) as Pick<
    Tree,
    'connectRedis'
  >;
  return { streamsAdapter: streams.streamsAdapter, connectRedis: redis.connectRedis };
}

/** A call as a console gets it after a few changes: its timeline makes most of its 2 KB. */
function callOf(n: number) {
  const at = 1_796_656_118_730 + n;
  return {
    id: `9b7c1a6f-dc81-46f1-94ff-${String(n).padStart(12, '0')}`,
    direction: 'outbound',
    agentId: '2455e032-41bd-4a68-9326-3dae445b7fcf',
    staffId: 'aa9297aa-04c8-4559-a64f-3b79414f30ff',
    devices: [{ deviceId: '2ac08cbe-3b05-4333-bfd3-4007ae3238c7', state: 'ringing' }],
    handle: 'Switchboard',
    callerName: 'Support · agent15',
    video: false,
    state: 'ringing',
    createdAt: at,
    ringUntil: at + 120_000,
    timeline: Array.from({ length: 8 }, (_, i) => ({
      at: at + i * 40,
      kind: ['placed', 'pushed', 'reported', 'ringing', 'answered', 'connected', 'active', 'held'][i],
      deviceId: '2ac08cbe-3b05-4333-bfd3-4007ae3238c7',
      detail: { by: 'server', note: 'a change of the call as the lifecycle records it' },
    })),
    pushes: [
      { deviceId: '2ac08cbe-3b05-4333-bfd3-4007ae3238c7', at, result: 'accepted', apnsId: '1f0e-4c2a' },
    ],
  };
}

async function side({ streamsAdapter: make, connectRedis }: Tree, redisUrl: string, stream: string) {
  const redisClients: RedisClient[] = [];
  const servers: Server[] = [];
  const clients: ClientSocket[] = [];
  let current: unknown = null;
  // As ClusterLiveCalls: the change's first broadcast carries the call to every node's view.
  const feed = {
    claim: (call: unknown) => {
      if (call === null || call !== current) return false;
      current = null;
      return true;
    },
    heard: () => undefined,
    stale: () => false,
  };
  for (let i = 0; i < 3; i++) {
    const client = await connectRedis(redisUrl, logger, 'adapter', { timeout: 0 });
    redisClients.push(client);
    const http = createServer();
    const io = new Server(http, {
      adapter: make(client, { streamName: stream, channelPrefix: stream }, feed),
    });
    io.of('/agent');
    io.of('/device');
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    servers.push(io);
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const socket = connect(`${url}${i === 1 ? '/device' : '/agent'}`, { transports: ['websocket'] });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    clients.push(socket);
  }
  const [agentNode, phoneNode, adminNode] = servers as [Server, Server, Server];
  for (const s of await agentNode.of('/agent').local.fetchSockets()) s.join('agent:1');
  for (const s of await phoneNode.of('/device').local.fetchSockets()) s.join('device:1');
  for (const s of await adminNode.of('/agent').local.fetchSockets()) s.join('admins');
  const [agent, phone, admin] = clients as [ClientSocket, ClientSocket, ClientSocket];
  const heard = (socket: ClientSocket, event: string) =>
    new Promise<void>((resolve) => socket.once(event, () => resolve()));
  let n = 0;
  return {
    async turns(count: number): Promise<number> {
      const before = process.cpuUsage();
      for (let i = 0; i < count; i++) {
        const call = callOf(n++);
        current = call;
        const all = Promise.all([
          heard(agent, 'call:changed'),
          heard(phone, 'call:changed'),
          heard(admin, 'live:changed'),
        ]);
        agentNode.of('/agent').to('agent:1').emit('call:changed', { call });
        agentNode.of('/device').to('device:1').emit('call:changed', { call });
        agentNode.of('/agent').to('admins').emit('live:changed', {});
        await all;
      }
      const used = process.cpuUsage(before);
      return (used.user + used.system) / count;
    },
    async close() {
      for (const c of clients) c.close();
      for (const io of servers) await io.close();
      for (const c of redisClients) await c.quit().catch(() => undefined);
    },
  };
}

async function main() {
  const redis = await startRedis();
  try {
    const sides = {
      base: await side(await load(flags.base!), redis.url, 'bench-base:sio'),
      this: await side(await load(path.resolve(import.meta.dirname, '..')), redis.url, 'bench-this:sio'),
    };
    await sides.base.turns(TURNS); // warm-up
    await sides.this.turns(TURNS);
    const diffs: number[] = [];
    const totals = { base: 0, this: 0 };
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? (['base', 'this'] as const) : (['this', 'base'] as const);
      const us = { base: 0, this: 0 };
      for (const s of order) us[s] = await sides[s].turns(TURNS);
      totals.base += us.base;
      totals.this += us.this;
      diffs.push(us.this - us.base);
      process.stdout.write(
        `  round ${r + 1}/${ROUNDS}: base ${us.base.toFixed(0)} µs, this ${us.this.toFixed(0)} µs per turn (${(us.this - us.base).toFixed(0)})\n`,
      );
    }
    process.stdout.write(
      `RESULT us_per_turn_base=${(totals.base / ROUNDS).toFixed(1)} us_per_turn_this=${(totals.this / ROUNDS).toFixed(1)} median_round_difference=${percentile(diffs, 50).toFixed(1)}\n`,
    );
    await sides.base.close();
    await sides.this.close();
  } finally {
    await redis.stop();
  }
}

void main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench/streams-turns: ${err.stack ?? err}\n`);
    process.exit(1);
  },
);
