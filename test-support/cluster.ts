import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Logger, pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { type LoginSession, login, type ManualClock, manualClock, type StaffEntry } from '#shared';
import { createServer, openStorage, type ServerConfig, type SwitchboardServer } from '../server/src';
import {
  type ApnsEmulator,
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { freshDatabase } from './databases';
import {
  BUNDLE_ID,
  connectPhone,
  ensureAgent,
  type PairedDevice,
  type PhoneOptions,
  pairDevice,
  phoneSocket,
} from './harness';
import { type RedisForTests, startRedis } from './redis';
import { TestClient } from './socket-client';

const PASSWORD = 'correct horse battery staple';

export interface ClusterTestOptions {
  nodes: number;
  redisUrl: string;
  config?: Partial<ServerConfig>;
  /** A silent node is dead after this long (real time; default 600 ms). */
  nodeTtlMs?: number;
  /** Each node's PostgreSQL connections for call locks (default the server's). */
  lockPoolSize?: number;
  /** The nodes' logger (default: pino at SWITCHBOARD_LOG_LEVEL, silent). */
  logger?: Logger;
}

/**
 * Several call-server nodes in this process on one PostgreSQL schema and one Redis (keys under a
 * prefix of their own), one manual clock and one APNs emulator; each node has its own push
 * provider, as separate machines would.
 */
export async function startCluster(o: ClusterTestOptions) {
  const clock: ManualClock = manualClock(Date.now());
  const logger = o.logger ?? pino({ level: process.env.SWITCHBOARD_LOG_LEVEL ?? 'silent' });
  const db = await freshDatabase('postgres');
  const migrator = await openStorage(db.url);
  await migrator.migrate();
  const key = generateProviderKey();
  const emulator: ApnsEmulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  const prefix = `sbt-${randomBytes(4).toString('hex')}`;
  const clients: TestClient[] = [];
  const sql = new pg.Pool({ connectionString: db.url, max: 2 });

  const startNode = async (name: string) => {
    const storage = await openStorage(db.url);
    const server: SwitchboardServer = await createServer({
      storage,
      clock,
      logger,
      config: o.config,
      push: createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger }),
      cluster: {
        redisUrl: o.redisUrl,
        databaseUrl: db.url,
        prefix,
        nodeId: name,
        nodeTtlMs: o.nodeTtlMs ?? 600,
        lockPoolSize: o.lockPoolSize,
      },
    });
    const url = await server.listen(0);
    return { name, server, url };
  };
  const nodes: Awaited<ReturnType<typeof startNode>>[] = [];
  for (let i = 0; i < o.nodes; i++) nodes.push(await startNode(`node${i}`));

  const cluster = {
    nodes,
    /** The Redis the nodes share, and their keys' and channels' prefix on it. */
    redisUrl: o.redisUrl,
    prefix,
    clock,
    emulator,
    storage: migrator,
    startNode,

    async login(node: number, name: string): Promise<LoginSession> {
      await ensureAgent(migrator, name, clock.now());
      return login(nodes[node]!.url, name, PASSWORD);
    },

    /** A console of `name` on node `node`, announcing `features` (shared AGENT_FEATURES). */
    async agent(node: number, name: string, features?: string[]) {
      const { token, agentId } = await cluster.login(node, name);
      const client = await TestClient.connect(`${nodes[node]!.url}/agent`, {
        token,
        ...(features ? { features } : {}),
      });
      clients.push(client);
      await client.waitFor('roster:snapshot');
      return Object.assign(client, { agentId, token });
    },

    staff: (agent: TestClient, name = 'Ana') => agent.ok<StaffEntry>('staff:create', { name }),

    /** A phone paired through `agent`, its socket on node `node`, its VoIP token registered. */
    async phone(node: number, agent: TestClient, staffId: string, opts: PhoneOptions = {}) {
      const creds = await pairDevice(nodes[node]!.url, agent, staffId, {});
      return connectPhone({ url: nodes[node]!.url, clock, emulator, clients }, creds, opts);
    },

    /** Another socket of a paired phone, on node `node` (a phone that reconnects elsewhere). */
    reconnectPhone: (node: number, phone: PairedDevice, features?: string[]) =>
      phoneSocket(nodes[node]!.url, phone, clients, features),

    /** The cluster's durable timers of a kind, as PostgreSQL has them. */
    async timerRows(kind: 'grace' | 'cancel') {
      const { rows } = await sql.query<{ key: string; owner: string | null; data: string }>(
        'select key, owner, data from cluster_timers where kind = $1 order by key',
        [kind],
      );
      return rows;
    },

    /** Writes a durable timer as a node would (a lease of a node that is gone, say). */
    async insertTimerRow(row: {
      key: string;
      kind: 'grace' | 'cancel';
      dueAt: number;
      owner: string;
      data: unknown;
    }) {
      await sql.query(
        'insert into cluster_timers (key, kind, due_at, owner, data) values ($1, $2, $3, $4, $5)',
        [row.key, row.kind, row.dueAt, row.owner, JSON.stringify(row.data)],
      );
    },

    /** Every node idle, twice over: one node's work can set off another's. */
    async idle() {
      for (let round = 0; round < 2; round++) for (const n of nodes) await n.server.idle();
    },

    async close() {
      // The nodes before their clients: a console that leaves one node while another is closing
      // already asks that one for its sockets (the softphone's hand-over, softphones.ts) and waits
      // out the adapter's 5 s request timeout, an answer that never comes; each cluster test's
      // teardown took 5 s so. A socket its own node closes leaves under the node's closing, which
      // asks nothing.
      for (const n of nodes) await n.server.close();
      for (const c of clients) c.close();
      await migrator.close();
      await sql.end();
      await emulator.close();
      await db.dispose();
    },
  };
  return cluster;
}

export type TestCluster = Awaited<ReturnType<typeof startCluster>>;

/**
 * Resolves once `check` holds: what other nodes learn through Redis arrives on no event of the
 * test's own, so it is polled between turns; fails naming what it waited for.
 */
export async function until(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A suite's hooks for a fresh cluster per test on one Redis per suite: `use` gets each test's
 * cluster (before it runs), which is closed after it.
 */
export function clusterPerTest(o: Omit<ClusterTestOptions, 'redisUrl'>, use: (c: TestCluster) => void): void {
  let redis: RedisForTests;
  let current: TestCluster | null = null;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis.stop();
  });
  beforeEach(async () => {
    current = await startCluster({ ...o, redisUrl: redis.url });
    use(current);
  });
  afterEach(async () => {
    await current?.close();
    current = null;
  });
}
