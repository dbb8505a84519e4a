// `npx tsx bench/health.ts [--nodes N] [--rounds R] [--round-seconds S] [--agents A] [--ring-rounds K] [--ring-calls C]`: what recording ring health costs.
/**
 * Issue 25 allows recording phones' ring health at most 5 % on bench:cluster's CPU per call setup
 * and on bench:ring's p50. Both are measured here against the same server with `--ring-records
 * off`, in one run, alternating, as bench/README.md asks of every comparison on this shared machine:
 *
 * - CPU per setup: two servers of this tree (N nodes each) on fresh schemas of one PostgreSQL,
 *   recording on and off, with bench:cluster's consoles and phones (cluster-clients.ts), and rounds
 *   of call setups alternating between them (as bench/revisions.ts); the ratio is the nodes' CPU per
 *   setup, recording on over off, and the median of the rounds' ratios.
 * - Time to ring: bench:ring's server, phones and agent, one process recording and one not, kept
 *   up for the run, and K rounds of C calls alternating between them (health-ring.ts); the ratio is
 *   the median of the rounds' p50 ratios.
 *
 * Last line: `RESULT health_overhead_cpu=<on/off> health_overhead_cpu_median_round=<r>
 * health_overhead_ring_p50=<on/off> health_overhead_ring_p50_quiet=<q> cpu_ms_per_setup_on=<a> cpu_ms_per_setup_off=<b>
 * ring_p50_ms_on=<c> ring_p50_ms_off=<d>` (the budget: both ratios at most 1.05).
 * Defaults: 1 node, 10 rounds of 4 s after 8 s of warm-up, 20 agents; 40 ring rounds of 50 calls (short rounds: the load moves less within a pair).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Cleanup } from './cluster-infra';
import { emptySetup, setupCalls } from './cluster-phases';
import { clusterRig, redisFor, runBench } from './cluster-rig';
import { startTopology, type Topology } from './cluster-topology';
import { ringP50 } from './health-ring';
import { ms, percentile } from './stats';

const ROOT = path.resolve(import.meta.dirname, '..');
const { values: flags } = parseArgs({
  options: {
    nodes: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '10' },
    'round-seconds': { type: 'string', default: '4' },
    agents: { type: 'string', default: '20' },
    'warm-up-seconds': { type: 'string', default: '8' },
    'ring-rounds': { type: 'string', default: '40' },
    'ring-calls': { type: 'string', default: '50' },
  },
});
const count = (name: keyof typeof flags) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 0) {
    process.stderr.write(`bench/health: --${name} must be a whole number\n`);
    process.exit(2);
  }
  return n;
};
const NODES = Math.max(1, count('nodes'));
const ROUNDS = count('rounds');
const ROUND_S = count('round-seconds');
const AGENTS = count('agents');
const WARM_UP_S = count('warm-up-seconds');
const RING_ROUNDS = count('ring-rounds');
const RING_CALLS = count('ring-calls');

const say = (line: string) => process.stdout.write(`bench/health: ${line}\n`);

/** The nodes' CPU per setup, recording on and off, and the median of the rounds' ratios. */
async function cpuPerSetup(cleanup: Cleanup, onCrash: (error: Error) => void) {
  const { postgres, nodeArgs } = await clusterRig(cleanup, 'health');
  const redis = () => redisFor(cleanup, NODES);
  const side = async (records: 'on' | 'off') =>
    startTopology(
      NODES,
      AGENTS,
      {
        cleanup,
        postgres,
        nodeArgs: [...nodeArgs, '--ring-records', records],
        onCrash,
        say,
        redis: await redis(),
      },
      // Labelled as a revision so each side has its own schema; both run this tree.
      { root: ROOT, label: `records ${records}` },
    );
  const off = await side('off');
  const on = await side('on');
  for (const t of [off, on]) await setupCalls(t.pairs, WARM_UP_S, `${t.name} warm-up`);
  const totals = new Map<Topology, number>([
    [off, 0],
    [on, 0],
  ]);
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const perSetup = new Map<Topology, number>();
    for (const t of round % 2 === 0 ? [off, on] : [on, off]) {
      const before = t.setupCpu.nodesMsPer(1);
      const out = emptySetup();
      await t.setupCpu.around(() => setupCalls(t.pairs, ROUND_S, `${t.name} round ${round + 1}`, out));
      perSetup.set(t, (t.setupCpu.nodesMsPer(1) - before) / out.completed);
      totals.set(t, totals.get(t)! + out.completed);
    }
    const ratio = perSetup.get(on)! / perSetup.get(off)!;
    ratios.push(ratio);
    process.stdout.write(
      `  round ${round + 1}/${ROUNDS}: off ${ms(perSetup.get(off)!)}, on ${ms(perSetup.get(on)!)} per setup (${ratio.toFixed(3)})\n`,
    );
  }
  await Promise.all([off.close(), on.close()]);
  for (const t of [off, on])
    say(`${t.name}: ${totals.get(t)} setups, CPU per setup: ${t.setupCpu.per(totals.get(t)!)}`);
  const each = (t: Topology) => t.setupCpu.nodesMsPer(totals.get(t)!);
  return { on: each(on), off: each(off), medianRound: percentile(ratios, 50) };
}

async function main(cleanup: Cleanup, onCrash: (error: Error) => void): Promise<void> {
  say(
    `${NODES} node(s) each, ${AGENTS} agents, ${ROUNDS} rounds of ${ROUND_S} s; ${RING_ROUNDS} × 2 bench:ring rounds of ${RING_CALLS} calls`,
  );
  const cpu = ROUNDS > 0 ? await cpuPerSetup(cleanup, onCrash) : null;
  await cleanup.runAll();
  const ring = RING_ROUNDS > 0 ? await ringP50(RING_ROUNDS, RING_CALLS) : null;
  const fields = [
    cpu && `health_overhead_cpu=${(cpu.on / cpu.off).toFixed(3)}`,
    cpu && `health_overhead_cpu_median_round=${cpu.medianRound.toFixed(3)}`,
    ring &&
      `health_overhead_ring_p50=${ring.ratio.toFixed(3)} health_overhead_ring_p50_quiet=${ring.quiet.toFixed(3)}`,
    cpu && `cpu_ms_per_setup_on=${cpu.on.toFixed(3)} cpu_ms_per_setup_off=${cpu.off.toFixed(3)}`,
    ring && `ring_p50_ms_on=${ring.on.toFixed(2)} ring_p50_ms_off=${ring.off.toFixed(2)}`,
  ].filter(Boolean);
  process.stdout.write(`RESULT ${fields.join(' ')}\n`);
}

runBench('bench/health', main);
