// `npm run bench:cluster [-- --ring-calls N --setup-seconds S --agents A]`: 3 cluster nodes vs 1 node; RESULT = p99 time-to-ring ratio (3/1) and call setups/s (3 nodes, 1 node).
/**
 * Both topologies run in turn on this machine, each on a fresh schema of the same loopback
 * PostgreSQL (scripts/postgres.sh), with every node a process of its own (bench/cluster-node.ts)
 * pushing to the APNs emulator in another process:
 * - 3 nodes: `--redis` on one redis-server; console i on node i mod 3 and its phone on node
 *   (i + 1) mod 3, so every call, every report and every broadcast crosses Redis;
 * - 1 node: the single server (no `--redis`), everyone on it.
 * Time to ring (as bench/ring.ts): one console calls its phone RING_CALLS times, one call at a time;
 * from `call:place` sent until the console sees the call `ringing`, i.e. the phone got it and
 * reported it. Setups/s: AGENTS consoles each call their own phone for SETUP_SECONDS; a setup is
 * place → the phone reports reported, answered, connected → the console sees `active`; then hang up.
 *
 * Knobs (flags, or env CLUSTER_BENCH_RING_CALLS, _SETUP_SECONDS, _AGENTS): 1000 calls, 20 s, 20 agents.
 * Last line: `RESULT p99_ratio_3_vs_1=<x> setups_per_s_3=<y> setups_per_s_1=<z>`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { hashPassword, openStorage } from '../server/src';
import { freePort, startRedis } from '../test-support/redis';
import { generateProviderKey } from '../tools/apns-emulator/src';
import { BenchAgent, BenchPhone } from './cluster-clients';
import {
  Cleanup,
  freshSchema,
  leasePostgres,
  type NodeProcess,
  processCpuSeconds,
  redisCpuSeconds,
  startEmulator,
  startNode,
} from './cluster-infra';
import { type Pair, type RingResult, ringCalls, type SetupResult, setupCalls } from './cluster-phases';
import { seedAgent, seedDevice } from './seed';
import { ms, percentile, positiveEnv } from './stats';

const BUNDLE = 'com.example.switchboard';
const WARMUP_CALLS = 50;
const SETUP_WARMUP_S = 2;

const { values: flags } = parseArgs({
  options: {
    'ring-calls': { type: 'string' },
    'setup-seconds': { type: 'string' },
    agents: { type: 'string' },
  },
});
const knob = (flag: string | undefined, env: string, fallback: number) => {
  if (flag !== undefined) process.env[env] = flag;
  return positiveEnv(env, fallback);
};
const RING_CALLS = knob(flags['ring-calls'], 'CLUSTER_BENCH_RING_CALLS', 1000);
const SETUP_SECONDS = knob(flags['setup-seconds'], 'CLUSTER_BENCH_SETUP_SECONDS', 20);
const AGENTS = knob(flags.agents, 'CLUSTER_BENCH_AGENTS', 20);

const say = (line: string) => process.stdout.write(`bench:cluster: ${line}\n`);

interface Shared {
  cleanup: Cleanup;
  postgres: string;
  redis: { url: string; port: number };
  /** Flags every node gets: APNs through the emulator, quiet logs, a ring long enough to never time out. */
  nodeArgs: string[];
  onCrash: (error: Error) => void;
}

/** Agents with sessions, and one staff member with one paired phone per agent, straight into the database. */
async function seed(url: string) {
  const storage = await openStorage(url);
  try {
    await storage.migrate();
    const now = Date.now();
    const passwordHash = await hashPassword('bench');
    const people: { token: string; staffId: string; deviceId: string; deviceSecret: string }[] = [];
    for (let i = 0; i < AGENTS; i++) {
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

async function runTopology(nodes: number, shared: Shared): Promise<{ ring: RingResult; setup: SetupResult }> {
  const name = nodes === 1 ? '1 node' : `${nodes} nodes`;
  say(`${name}: fresh schema, ${AGENTS} agents and phones seeded`);
  const db = await freshSchema(shared.postgres, `${nodes}n`, shared.cleanup);
  const people = await seed(db.url);
  const clustered = nodes > 1 ? ['--redis', shared.redis.url] : [];
  const started = await Promise.all(
    Array.from({ length: nodes }, async (_, i) =>
      startNode(
        `node${i + 1}/${nodes}`,
        await freePort(),
        ['--db', db.url, ...clustered, ...shared.nodeArgs],
        shared.cleanup,
        shared.onCrash,
      ),
    ),
  );
  say(
    `${name}: ${started.map((n) => n.url).join(' ')} up; connecting ${AGENTS} consoles and ${AGENTS} phones`,
  );
  const pairs: Pair[] = [];
  for (const [i, p] of people.entries()) {
    const agent = await BenchAgent.connect(started[i % nodes]!.url, p.token);
    const phone = await BenchPhone.connect(started[(i + 1) % nodes]!.url, p.deviceId, p.deviceSecret);
    pairs.push({ agent, phone, staffId: p.staffId });
  }
  try {
    say(`${name}: warm-up, ${WARMUP_CALLS} calls, then time to ring, ${RING_CALLS} calls one at a time`);
    await ringCalls(pairs[0]!, WARMUP_CALLS, 'warm-up');
    const cpu = cpuMeter(started, nodes > 1 ? shared.redis.port : null);
    const ring = await cpu.around(() => ringCalls(pairs[0]!, RING_CALLS, `${name} ring`));
    say(`${name}: time to ring ${summary(ring.ring)}; lost ${ring.lost}`);
    say(`${name}: (the phone's socket got the call ${summary(ring.heard)})`);
    say(`${name}: CPU per call${cpu.per(ring.ring.length + ring.lost)}`);
    say(
      `${name}: call setups, ${AGENTS} consoles at once: ${SETUP_WARMUP_S} s warm-up, then ${SETUP_SECONDS} s`,
    );
    // Every node warm before counting: the ring phase ran through two of them only.
    await setupCalls(pairs, SETUP_WARMUP_S, 'warm-up');
    const setup = await cpu.around(() => setupCalls(pairs, SETUP_SECONDS, `${name} setups`));
    say(
      `${name}: ${setup.setups} setups in ${setup.seconds.toFixed(1)} s = ${rate(setup).toFixed(2)}/s; ` +
        `setup ${summary(setup.latencies)}; lost ${setup.lost}; errors ${setup.errors.length}`,
    );
    say(`${name}: CPU per setup${cpu.per(setup.setups)}`);
    for (const e of new Set(setup.errors)) say(`  error: ${e}`);
    return { ring, setup };
  } finally {
    for (const p of pairs) {
      p.agent.close();
      p.phone.close();
    }
    await Promise.all(started.map((n) => n.stop()));
    await db.drop();
  }
}

/**
 * CPU used by the nodes, Redis and this process (the scripted clients) during one phase, per unit
 * of work: where the two cores went. PostgreSQL's share is not counted (other runs may share it).
 */
function cpuMeter(nodes: NodeProcess[], redisPort: number | null) {
  const read = async () => {
    const own = process.cpuUsage();
    return {
      nodes: nodes.reduce((sum, n) => sum + processCpuSeconds(n.pid), 0),
      redis: redisPort === null ? 0 : await redisCpuSeconds(redisPort),
      clients: (own.user + own.system) / 1e6,
    };
  };
  let used = { nodes: 0, redis: 0, clients: 0 };
  return {
    async around<T>(work: () => Promise<T>): Promise<T> {
      const before = await read();
      const result = await work();
      const after = await read();
      used = {
        nodes: after.nodes - before.nodes,
        redis: after.redis - before.redis,
        clients: after.clients - before.clients,
      };
      return result;
    },
    per(count: number): string {
      const each = (s: number) => ms((s * 1000) / count);
      const redis = redisPort === null ? '' : `, Redis ${each(used.redis)}`;
      return `: nodes ${each(used.nodes)}${redis}, bench clients ${each(used.clients)}`;
    },
  };
}

const summary = (v: number[]) => `p50 ${ms(percentile(v, 50))} p99 ${ms(percentile(v, 99))} (n=${v.length})`;
const rate = (s: SetupResult) => s.setups / s.seconds;

async function main(cleanup: Cleanup, onCrash: (error: Error) => void): Promise<void> {
  say(`${RING_CALLS} ring calls, ${AGENTS} agents for ${SETUP_SECONDS} s of setups, 1 node then 3 nodes`);
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-bench-cluster-'));
  cleanup.add('temp dir', async () => rmSync(dir, { recursive: true, force: true }));
  say('starting PostgreSQL (scripts/postgres.sh), Redis and the APNs emulator');
  const postgres = await leasePostgres(cleanup);
  const redis = await startRedis();
  cleanup.add('Redis', () => redis.stop());
  const key = generateProviderKey();
  const emulator = await startEmulator(
    { keyId: key.keyId, teamId: key.teamId, publicKeyPem: key.publicKeyPem },
    cleanup,
  );
  writeFileSync(path.join(dir, 'apns-key.p8'), key.privateKeyPem);
  writeFileSync(path.join(dir, 'apns-ca.pem'), emulator.ca);
  const nodeArgs = [
    ['--host', '127.0.0.1', '--data-dir', dir, '--log-level', 'warn', '--ring-timeout', '120s'],
    ['--apns-key', path.join(dir, 'apns-key.p8'), '--apns-key-id', key.keyId, '--apns-team-id', key.teamId],
    ['--apns-bundle-id', BUNDLE, '--apns-endpoint', `127.0.0.1:${emulator.port}`],
    ['--apns-ca', path.join(dir, 'apns-ca.pem')],
  ].flat();
  const shared: Shared = { cleanup, postgres, redis, nodeArgs, onCrash };
  const one = await runTopology(1, shared);
  const three = await runTopology(3, shared);
  const p99 = (r: RingResult) => percentile(r.ring, 99);
  say(`time to ring p99: 3 nodes ${ms(p99(three.ring))}, 1 node ${ms(p99(one.ring))}`);
  say(`setups/s: 3 nodes ${rate(three.setup).toFixed(2)}, 1 node ${rate(one.setup).toFixed(2)}`);
  process.stdout.write(
    `RESULT p99_ratio_3_vs_1=${(p99(three.ring) / p99(one.ring)).toFixed(3)} ` +
      `setups_per_s_3=${rate(three.setup).toFixed(2)} setups_per_s_1=${rate(one.setup).toFixed(2)}\n`,
  );
}

const cleanup = new Cleanup();
let failing = false;
const fail = (error: Error, code = 1) => {
  if (failing) return;
  failing = true;
  process.stderr.write(
    `bench:cluster: ${code === 130 ? error.message : `failed: ${error.stack ?? error.message}`}\n`,
  );
  void cleanup.runAll().then(() => process.exit(code));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () =>
    fail(new Error(`${signal}: stopping nodes, Redis, the emulator; dropping schemas`), 130),
  );
}
main(cleanup, (error) => fail(error)).then(
  () => cleanup.runAll().then(() => process.exit(0)),
  (error: Error) => fail(error),
);
