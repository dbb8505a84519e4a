// `npx tsx bench/revisions.ts --base DIR [--nodes N] [--rounds R] [--round-seconds S] [--agents A] [--warm-up-seconds W]`: CPU per call setup of this tree's server against another revision's, in the same run.
/**
 * What an optimisation of the call path is worth, measured as bench/README.md asks: both servers
 * up at once on this machine, each on a fresh schema of the same loopback PostgreSQL, with the
 * same scripted consoles and phones as bench:cluster (cluster-clients.ts), and rounds of call
 * setups alternating between them (base, this, this, base, …), so that whatever else the machine
 * does weighs on both alike. DIR is another checkout of the project with its node_modules (a
 * `git worktree add DIR REV` with node_modules linked to this tree's); its own scripts/server.ts
 * runs there. With --nodes 3, each side is a cluster of three on one Redis, as bench:cluster's.
 *
 * Prints each round, then per side the nodes' CPU per setup (all nodes together) and the median of
 * the rounds' ratios (this / base); the last line:
 * `RESULT cpu_ms_per_setup_base=<a> cpu_ms_per_setup_this=<b> ratio=<b/a> median_round_ratio=<r>`.
 * Defaults: 1 node, 10 rounds of 4 s after 8 s of warm-up each, 20 agents.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Cleanup } from './cluster-infra';
import { emptySetup, setupCalls } from './cluster-phases';
import { clusterRig, redisFor, runBench } from './cluster-rig';
import { type CpuMeter, startTopology, type Topology } from './cluster-topology';
import { ms, percentile } from './stats';

const { values: flags } = parseArgs({
  options: {
    base: { type: 'string' },
    nodes: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '10' },
    'round-seconds': { type: 'string', default: '4' },
    agents: { type: 'string', default: '20' },
    'warm-up-seconds': { type: 'string', default: '8' },
  },
});
const count = (name: keyof typeof flags) => {
  const n = Number(flags[name]);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench/revisions: --${name} must be a positive integer\n`);
    process.exit(2);
  }
  return n;
};
if (!flags.base) {
  process.stderr.write('bench/revisions: --base DIR (another checkout of the project) is required\n');
  process.exit(2);
}
const BASE = path.resolve(flags.base);
const NODES = count('nodes');
const ROUNDS = count('rounds');
const ROUND_S = count('round-seconds');
const AGENTS = count('agents');
// The first seconds of load cost far more per setup (the JIT is still compiling): not counted.
const WARM_UP_S = count('warm-up-seconds');

const say = (line: string) => process.stdout.write(`bench/revisions: ${line}\n`);

async function main(cleanup: Cleanup, onCrash: (error: Error) => void): Promise<void> {
  const { postgres, nodeArgs } = await clusterRig(cleanup, 'revisions');
  const redis = () => redisFor(cleanup, NODES);
  const shared = { cleanup, postgres, nodeArgs, onCrash, say };
  say(`base ${BASE}; ${NODES} node(s) each, ${AGENTS} agents, ${ROUNDS} rounds of ${ROUND_S} s`);
  const base = await startTopology(
    NODES,
    AGENTS,
    { ...shared, redis: await redis() },
    { root: BASE, label: 'base' },
  );
  const mine = await startTopology(
    NODES,
    AGENTS,
    { ...shared, redis: await redis() },
    { root: path.resolve(import.meta.dirname, '..'), label: 'this' },
  );
  for (const t of [base, mine]) await setupCalls(t.pairs, WARM_UP_S, `${t.name} warm-up`);
  const totals = new Map<Topology, { setups: number; meter: CpuMeter }>();
  const ratios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [base, mine] : [mine, base];
    const perSetup = new Map<Topology, number>();
    for (const t of order) {
      const meter = t.setupCpu;
      const before = meter.nodesMsPer(1);
      const out = emptySetup();
      await meter.around(() => setupCalls(t.pairs, ROUND_S, `${t.name} round ${round + 1}`, out));
      perSetup.set(t, (meter.nodesMsPer(1) - before) / out.completed);
      const total = totals.get(t) ?? { setups: 0, meter };
      total.setups += out.completed;
      totals.set(t, total);
    }
    const ratio = perSetup.get(mine)! / perSetup.get(base)!;
    ratios.push(ratio);
    process.stdout.write(
      `  round ${round + 1}/${ROUNDS}: base ${ms(perSetup.get(base)!)}, this ${ms(perSetup.get(mine)!)} per setup (${ratio.toFixed(3)})\n`,
    );
  }
  await Promise.all([base.close(), mine.close()]);
  const each = (t: Topology) => {
    const { setups, meter } = totals.get(t)!;
    return meter.nodesMsPer(setups);
  };
  for (const t of [base, mine])
    say(
      `${t.name}: ${totals.get(t)!.setups} setups, CPU per setup: ${t.setupCpu.per(totals.get(t)!.setups)}`,
    );
  process.stdout.write(
    `RESULT cpu_ms_per_setup_base=${each(base).toFixed(3)} cpu_ms_per_setup_this=${each(mine).toFixed(3)} ` +
      `ratio=${(each(mine) / each(base)).toFixed(3)} median_round_ratio=${percentile(ratios, 50).toFixed(3)}\n`,
  );
}

runBench('bench/revisions', main);
