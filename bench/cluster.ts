// `npm run bench:cluster [-- --ring-calls N --setup-seconds S --agents A --history H]`: 3 cluster nodes vs 1 node; RESULT = p99 time-to-ring ratio (3/1) and call setups/s (3 nodes, 1 node).
/**
 * Both topologies are up at once on this machine, each on a fresh schema of the same loopback
 * PostgreSQL (scripts/postgres.sh), with every node a process of its own (the real CLI, scripts/server.ts)
 * pushing to the APNs emulator in another process; each measurement alternates between them in
 * rounds (1 3, 3 1, 1 3, …) so that whatever else the machine is doing weighs on both alike:
 * - 3 nodes: `--redis` on one redis-server; console i on node i mod 3 and its phone on node
 *   (i + 1) mod 3, so every call, every report and every broadcast crosses Redis;
 * - 1 node: the single server (no `--redis`), everyone on it.
 * Time to ring (as bench/ring.ts): one console calls its phone RING_CALLS times, one call at a time;
 * from `call:place` sent until the console sees the call `ringing`, i.e. the phone got it and
 * reported it. Setups/s: AGENTS consoles each call their own phone, back to back; a setup is
 * place → the phone reports reported, answered, connected → the console sees `active`; then hang up.
 * Setups completed in SETUP_SECONDS of counting windows (4 rounds, each opened after 1 s of load).
 *
 * Knobs (flags, or env CLUSTER_BENCH_RING_CALLS, _SETUP_SECONDS, _AGENTS, _HISTORY): 1000 calls, 20 s,
 * 20 agents, and no history (`--history N`: N ended calls added to each topology's table after the
 * ring's warm-up, copies of its own, so that the calls table is read at a team's size).
 * CLUSTER_BENCH_CPU_PROF=DIR: every node writes a V8 CPU profile (.cpuprofile) there as it stops.
 * Last line: `RESULT p99_ratio_3_vs_1=<x> setups_per_s_3=<y> setups_per_s_1=<z> cpu_ms_per_setup_1=<a>
 * cpu_ms_per_setup_3=<b>`: the nodes' CPU time (user + system, all nodes of the topology together)
 * per call setup, over every setup of the setup rounds.
 */
import { parseArgs } from 'node:util';
import type { Cleanup } from './cluster-infra';
import { emptyRing, emptySetup, ringCalls, setupCalls } from './cluster-phases';
import { clusterRig, redisFor, runBench } from './cluster-rig';
import { type Shared, startTopology, type Topology } from './cluster-topology';
import { ms, percentile, positiveEnv } from './stats';

const WARMUP_CALLS = 50;
const SETUP_WARMUP_S = 2;
const RING_ROUNDS = 10;
const SETUP_ROUNDS = 4;

const flags = (() => {
  try {
    return parseArgs({
      options: {
        'ring-calls': { type: 'string' },
        'setup-seconds': { type: 'string' },
        agents: { type: 'string' },
        history: { type: 'string' },
      },
    }).values;
  } catch (error) {
    process.stderr.write(
      `bench:cluster: ${(error as Error).message} (--ring-calls, --setup-seconds, --agents, --history)\n`,
    );
    process.exit(2);
  }
})();
const knob = (flag: string | undefined, env: string, fallback: number) => {
  if (flag !== undefined) process.env[env] = flag;
  return positiveEnv(env, fallback);
};
const RING_CALLS = knob(flags['ring-calls'], 'CLUSTER_BENCH_RING_CALLS', 1000);
const SETUP_SECONDS = knob(flags['setup-seconds'], 'CLUSTER_BENCH_SETUP_SECONDS', 20);
const AGENTS = knob(flags.agents, 'CLUSTER_BENCH_AGENTS', 20);
/** Ended calls in each topology's table before the measurements (after the ring's warm-up): none by default. */
const HISTORY = (() => {
  const raw = flags.history ?? process.env.CLUSTER_BENCH_HISTORY ?? '0';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`bench:cluster: --history must be a whole number of calls, not "${raw}"\n`);
    process.exit(2);
  }
  return n;
})();

const say = (line: string) => process.stdout.write(`bench:cluster: ${line}\n`);
const summary = (v: number[]) => `p50 ${ms(percentile(v, 50))} p99 ${ms(percentile(v, 99))} (n=${v.length})`;

/** `rounds` rounds of `work` on each topology, the order flipped every round. */
async function alternate(
  tops: Topology[],
  rounds: number,
  work: (t: Topology, round: number) => Promise<string>,
) {
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? tops : [...tops].reverse();
    const done: string[] = [];
    for (const t of order) done.push(`${t.name} ${await work(t, round)}`);
    process.stdout.write(`  round ${round + 1}/${rounds}: ${done.join(', ')}\n`);
  }
}

/** Time to ring: console 0 calls its phone, one call at a time, RING_CALLS calls per topology. */
async function measureRing(tops: Topology[]) {
  say(`warm-up, ${WARMUP_CALLS} calls each; then time to ring, ${RING_CALLS} calls each, one at a time`);
  for (const t of tops) await ringCalls(t.pairs[0]!, WARMUP_CALLS, `${t.name} warm-up`);
  if (HISTORY > 0) {
    for (const t of tops) say(`${t.name}: ${await t.addHistory(HISTORY)} calls of history added`);
  }
  const results = new Map(tops.map((t) => [t, emptyRing()]));
  await alternate(tops, RING_ROUNDS, async (t, round) => {
    const out = results.get(t)!;
    const calls = Math.floor(RING_CALLS / RING_ROUNDS) + (round < RING_CALLS % RING_ROUNDS ? 1 : 0);
    await t.ringCpu.around(() => ringCalls(t.pairs[0]!, calls, `${t.name} ring`, out));
    return `${out.ring.length + out.lost} calls`;
  });
  for (const [t, r] of results) {
    say(`${t.name}: time to ring ${summary(r.ring)}; lost ${r.lost}`);
    say(`${t.name}:   the phone's socket got the call ${summary(r.heard)}`);
    say(`${t.name}:   CPU per call: ${t.ringCpu.per(r.ring.length + r.lost)}`);
  }
  return results;
}

/** Setups/s: every console calls its own phone, as fast as it can, SETUP_SECONDS per topology. */
async function measureSetups(tops: Topology[]) {
  say(
    `call setups, ${AGENTS} consoles at once: ${SETUP_WARMUP_S} s warm-up each, then ${SETUP_SECONDS} s each`,
  );
  // Every node warm before counting: the ring phase ran through two of them only.
  for (const t of tops) await setupCalls(t.pairs, SETUP_WARMUP_S, `${t.name} warm-up`);
  const results = new Map(tops.map((t) => [t, emptySetup()]));
  await alternate(tops, SETUP_ROUNDS, async (t) => {
    const out = results.get(t)!;
    await t.setupCpu.around(() => setupCalls(t.pairs, SETUP_SECONDS / SETUP_ROUNDS, `${t.name} setups`, out));
    return `${out.setups} setups`;
  });
  for (const [t, r] of results) {
    say(
      `${t.name}: ${r.setups} setups in ${r.seconds.toFixed(1)} s = ${rate(r).toFixed(2)}/s; ` +
        `setup ${summary(r.latencies)}; lost ${r.lost}; errors ${r.errors.length}`,
    );
    // Over every setup the meter saw: it runs through each round's ramp-up and drain too.
    say(`${t.name}:   CPU per setup: ${t.setupCpu.per(r.completed)}`);
    for (const e of new Set(r.errors)) say(`${t.name}:   error: ${e}`);
  }
  return results;
}

const rate = (s: { setups: number; seconds: number }) => s.setups / s.seconds;

async function main(cleanup: Cleanup, onCrash: (error: Error) => void): Promise<void> {
  say(`${RING_CALLS} ring calls and ${SETUP_SECONDS} s of setups with ${AGENTS} agents, on 1 node and on 3`);
  say('starting PostgreSQL (scripts/postgres.sh), Redis and the APNs emulator');
  const { postgres, nodeArgs } = await clusterRig(cleanup, 'cluster');
  const redis = await redisFor(cleanup, 3);
  const shared: Shared = { cleanup, postgres, redis, nodeArgs, onCrash, say };
  say(`seeding ${AGENTS} consoles and phones per topology; starting the nodes`);
  const one = await startTopology(1, AGENTS, shared);
  const three = await startTopology(3, AGENTS, shared);
  const ring = await measureRing([one, three]);
  const setups = await measureSetups([one, three]);
  await Promise.all([one.close(), three.close()]);
  const p99 = (t: Topology) => percentile(ring.get(t)!.ring, 99);
  const perSecond = (t: Topology) => rate(setups.get(t)!);
  say(`time to ring p99: 3 nodes ${ms(p99(three))}, 1 node ${ms(p99(one))}`);
  say(`setups/s: 3 nodes ${perSecond(three).toFixed(2)}, 1 node ${perSecond(one).toFixed(2)}`);
  const cpuPerSetup = (t: Topology) => t.setupCpu.nodesMsPer(setups.get(t)!.completed);
  say(
    `nodes' CPU per setup: 3 nodes ${ms(cpuPerSetup(three))} (all three together), 1 node ${ms(cpuPerSetup(one))}`,
  );
  process.stdout.write(
    `RESULT p99_ratio_3_vs_1=${(p99(three) / p99(one)).toFixed(3)} ` +
      `setups_per_s_3=${perSecond(three).toFixed(2)} setups_per_s_1=${perSecond(one).toFixed(2)} ` +
      `cpu_ms_per_setup_1=${cpuPerSetup(one).toFixed(2)} cpu_ms_per_setup_3=${cpuPerSetup(three).toFixed(2)}\n`,
  );
}

runBench('bench:cluster', main);
