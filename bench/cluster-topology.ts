/**
 * One topology of bench/cluster.ts, up and ready to measure: a fresh schema seeded with consoles
 * and phones, N node processes on it (with `--redis` when N > 1), and every console and phone
 * connected: console i on node i mod N, its phone on node (i + 1) mod N.
 */
import pg from 'pg';
import { hashPassword, openStorage } from '../server/src';
import { freePort } from '../test-support/redis';
import { BenchAgent, BenchPhone } from './cluster-clients';
import {
  type Cleanup,
  freshSchema,
  type NodeProcess,
  processCpuSeconds,
  redisCpuSeconds,
  startNode,
} from './cluster-infra';
import type { Pair } from './cluster-phases';
import { seedAgent, seedDevice } from './seed';
import { ms } from './stats';

export const BUNDLE = 'com.example.switchboard';

export interface Shared {
  cleanup: Cleanup;
  postgres: string;
  redis: { url: string; port: number };
  /** Flags every node gets: APNs through the emulator, quiet logs, a ring long enough to never time out. */
  nodeArgs: string[];
  onCrash: (error: Error) => void;
  say: (line: string) => void;
}

export type Topology = Awaited<ReturnType<typeof startTopology>>;

export async function startTopology(
  nodeCount: number,
  agents: number,
  shared: Shared,
  /** Another source tree's server (bench/revisions.ts), named so in the output. */
  revision?: { root: string; label: string },
) {
  const topology = nodeCount === 1 ? '1 node' : `${nodeCount} nodes`;
  const name = revision ? `${revision.label} ${topology}` : topology;
  const schema = `${revision?.label.replace(/\W/g, '') ?? ''}${nodeCount}n`;
  const db = await freshSchema(shared.postgres, schema, shared.cleanup);
  // Another revision's server migrates its schema itself, to its own migrations: seeded after.
  const people = revision ? null : await seed(db.url, agents, true);
  const clustered = nodeCount > 1 ? ['--redis', shared.redis.url] : [];
  const nodes = await Promise.all(
    Array.from({ length: nodeCount }, async (_, i) =>
      startNode(
        `node${i + 1}/${nodeCount}`,
        await freePort(),
        ['--db', db.url, ...clustered, ...shared.nodeArgs],
        shared.cleanup,
        shared.onCrash,
        revision?.root,
      ),
    ),
  );
  const seeded = people ?? (await seed(db.url, agents, false));
  shared.say(`${name}: ${nodes.map((n) => n.url).join(' ')} up; ${agents} consoles and phones connecting`);
  const pairs: Pair[] = [];
  for (const [i, p] of seeded.entries()) {
    const agent = await BenchAgent.connect(nodes[i % nodeCount]!.url, p.token);
    const phone = await BenchPhone.connect(nodes[(i + 1) % nodeCount]!.url, p.deviceId, p.deviceSecret);
    pairs.push({ agent, phone, staffId: p.staffId });
  }
  const redisPort = nodeCount > 1 ? shared.redis.port : null;
  return {
    name,
    pairs,
    /** `count` calls of history, copied from the ended calls so far (a warm-up's): see `addHistory`. */
    addHistory: (count: number) => addHistory(db.url, count),
    ringCpu: new CpuMeter(nodes, redisPort),
    setupCpu: new CpuMeter(nodes, redisPort),
    async close(): Promise<void> {
      for (const p of pairs) {
        p.agent.close();
        p.phone.close();
      }
      await Promise.all(nodes.map((n) => n.stop()));
      await db.drop();
    },
  };
}

/**
 * The history a team builds up: `count` ended calls, copies of those the topology made so far
 * (each under an id of its own, written into its document too, an hour or more in the past), so
 * that what reads the calls table reads it at a real team's size, not at a fresh install's.
 */
async function addHistory(url: string, count: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "select count(*) as n from calls where state = 'ended'",
    );
    const made = Number(rows[0]?.n ?? 0);
    if (made === 0) throw new Error('no ended call to copy into the history: run some calls first');
    const copies = Math.ceil(count / made);
    const { rowCount } = await client.query(
      `insert into calls (id, staff_id, agent_id, direction, state, end_reason, created_at, doc)
       select id || '-h' || i, staff_id, agent_id, direction, state, end_reason,
              created_at - 3600000 * i, replace(doc, id, id || '-h' || i)
       from calls, generate_series(1, $1::int) i where state = 'ended' limit $2`,
      [copies, count],
    );
    await client.query('analyze calls');
    return rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/** Agents with sessions, and one staff member with one paired phone per agent, straight into the database. */
async function seed(url: string, agents: number, migrate: boolean) {
  const storage = await openStorage(url);
  try {
    if (migrate) await storage.migrate();
    const now = Date.now();
    const passwordHash = await hashPassword('bench');
    const people: { token: string; staffId: string; deviceId: string; deviceSecret: string }[] = [];
    for (let i = 0; i < agents; i++) {
      const token = await seedAgent(storage, `agent${i}`, passwordHash, now);
      const staffId = crypto.randomUUID();
      await storage.staff.create({ id: staffId, name: `Staff ${i}`, handle: null, createdAt: now });
      people.push({ token, ...(await seedDevice(storage, staffId, BUNDLE, now)) });
    }
    return people;
  } finally {
    await storage.close();
  }
}

/**
 * CPU used by the nodes, Redis and this process (the scripted clients, both topologies') during
 * the work it wraps, summed over every wrap: where the two cores went. PostgreSQL's share is not
 * counted (other runs on the machine may share the server).
 */
export class CpuMeter {
  private used = { nodes: 0, redis: 0, clients: 0 };

  constructor(
    private readonly nodes: NodeProcess[],
    private readonly redisPort: number | null,
  ) {}

  private async read() {
    const own = process.cpuUsage();
    return {
      nodes: this.nodes.reduce((sum, n) => sum + processCpuSeconds(n.pid), 0),
      redis: this.redisPort === null ? 0 : await redisCpuSeconds(this.redisPort),
      clients: (own.user + own.system) / 1e6,
    };
  }

  async around<T>(work: () => Promise<T>): Promise<T> {
    const before = await this.read();
    const result = await work();
    const after = await this.read();
    this.used.nodes += after.nodes - before.nodes;
    this.used.redis += after.redis - before.redis;
    this.used.clients += after.clients - before.clients;
    return result;
  }

  /** The nodes' CPU per unit of work, ms (Redis and the clients apart). */
  nodesMsPer(count: number): number {
    return (this.used.nodes * 1000) / count;
  }

  per(count: number): string {
    const each = (seconds: number) => ms((seconds * 1000) / count);
    const redis = this.redisPort === null ? '' : `, Redis ${each(this.used.redis)}`;
    return `nodes ${each(this.used.nodes)}${redis}, bench clients ${each(this.used.clients)}`;
  }
}
