/**
 * The two measurements of bench/cluster.ts, run against whatever nodes the clients are connected
 * to: time to ring (one console, calls one after another) and call setups per second (every
 * console calling its own phone at once, for a fixed time).
 */
import { performance } from 'node:perf_hooks';
import { type BenchAgent, BenchError, type BenchPhone } from './cluster-clients';

export interface Pair {
  agent: BenchAgent;
  phone: BenchPhone;
  staffId: string;
}

export interface RingResult {
  /** call:place sent → the console sees the call `ringing` (the phone's `reported`), as bench/ring.ts. */
  ring: number[];
  /** call:place sent → the phone's socket receives the call. */
  heard: number[];
  lost: number;
}

export interface SetupResult {
  /** Setups completed inside the counting windows: the rate. */
  setups: number;
  /** Setups completed at any time of the rounds (warm-up of each round and its drain too): CPU per setup. */
  completed: number;
  seconds: number;
  /** call:place sent → the phone's `connected` acknowledged and the console has seen `active`. */
  latencies: number[];
  lost: number;
  errors: string[];
}

/** Prints `label: n/total …` every 5 s while `work` runs, so a long phase shows it is alive. */
export async function withProgress<T>(label: string, count: () => string, work: Promise<T>): Promise<T> {
  const timer = setInterval(() => process.stdout.write(`  ${label}: ${count()}\n`), 5000);
  try {
    return await work;
  } finally {
    clearInterval(timer);
  }
}

export const emptyRing = (): RingResult => ({ ring: [], heard: [], lost: 0 });
export const emptySetup = (): SetupResult => ({
  setups: 0,
  completed: 0,
  seconds: 0,
  latencies: [],
  lost: 0,
  errors: [],
});

/** One call at a time: place, wait for `ringing` at the console, hang up. Adds to `out`. */
export async function ringCalls(
  pair: Pair,
  calls: number,
  label: string,
  out: RingResult = emptyRing(),
): Promise<RingResult> {
  const before = out.ring.length + out.lost;
  pair.phone.answering = false;
  const work = (async () => {
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      const call = await pair.agent.place(pair.staffId);
      const rang = await pair.agent.states.wait(call.id, 'ringing');
      const now = performance.now();
      if (rang) out.ring.push(now - started);
      else out.lost++;
      const heard = pair.phone.heard.get(call.id);
      if (heard !== undefined) out.heard.push(heard - started);
      await pair.agent.hangup(call.id);
    }
  })();
  await withProgress(label, () => `${out.ring.length + out.lost - before}/${calls} calls`, work);
  return out;
}

/** Load runs this long before a round's counting window opens, so the window sees a steady state. */
const SETTLE_MS = 1000;

/**
 * Every pair at once, each call after the last: place, the phone reports reported → answered →
 * connected, the console sees `active`, hang up. Counts the setups completed inside a window of
 * `seconds` that opens SETTLE_MS after the load starts; the load goes on until the window closes,
 * so neither the ramp-up nor the calls still in flight at the end bias the rate. Adds to `out`.
 */
export async function setupCalls(
  pairs: Pair[],
  seconds: number,
  label: string,
  out: SetupResult = emptySetup(),
): Promise<SetupResult> {
  for (const p of pairs) p.phone.answering = true;
  const opens = performance.now() + SETTLE_MS;
  const closes = opens + seconds * 1000;
  // A refusal (a node too slow to answer, say) is counted and the console goes on; past 100, stop.
  const counted = async <T>(request: Promise<T>): Promise<T | null> => {
    try {
      return await request;
    } catch (error) {
      if (!(error instanceof BenchError) || out.errors.push(error.message) > 100) throw error;
      return null;
    }
  };
  const loop = async ({ agent, phone, staffId }: Pair) => {
    while (performance.now() < closes) {
      const placed = performance.now();
      const call = await counted(agent.place(staffId));
      if (!call) continue;
      const [connected, active] = await Promise.all([
        phone.reports.wait(call.id, 'connected'),
        agent.states.wait(call.id, 'active'),
      ]);
      phone.reports.forget(call.id);
      const done = performance.now();
      // Lost counts always: a broadcast or report that never came is a fault, whenever it happens.
      if (!(connected && active)) out.lost++;
      else out.completed++;
      if (connected && active && done >= opens && done < closes) {
        out.setups++;
        out.latencies.push(done - placed);
      }
      await counted(agent.hangup(call.id));
    }
  };
  const work = Promise.all(pairs.map(loop));
  await withProgress(label, () => `${out.setups} setups, ${out.lost} lost`, work);
  out.seconds += seconds;
  for (const p of pairs) out.errors.push(...p.phone.errors.splice(0));
  return out;
}
