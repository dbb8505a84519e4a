/**
 * A preload for any bench: `node --import tsx --import ./bench/loop-watch.ts bench/ring.ts`. Records
 * the event loop's delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution) and every garbage
 * collection's kind and duration, and prints both to stderr when the process exits: whether a
 * latency tail comes from GC, from the loop being blocked, or from waiting for a core.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const KINDS: Record<number, string> = {
  1: 'scavenge',
  2: 'mark-compact',
  4: 'incremental',
  8: 'weak callbacks',
};
const gcs = new Map<string, { n: number; totalMs: number; maxMs: number; over5ms: number }>();
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const { detail } = entry as unknown as { detail?: { kind?: number } };
    const kind = KINDS[detail?.kind ?? 0] ?? 'other';
    const g = gcs.get(kind) ?? { n: 0, totalMs: 0, maxMs: 0, over5ms: 0 };
    g.n++;
    g.totalMs += entry.duration;
    g.maxMs = Math.max(g.maxMs, entry.duration);
    if (entry.duration > 5) g.over5ms++;
    gcs.set(kind, g);
  }
}).observe({ entryTypes: ['gc'] });

process.on('exit', () => {
  const ms = (ns: number) => (ns / 1e6).toFixed(2);
  process.stderr.write(
    `loop-watch: event loop delay p50 ${ms(delay.percentile(50))} p99 ${ms(delay.percentile(99))} ` +
      `p99.9 ${ms(delay.percentile(99.9))} max ${ms(delay.max)} ms\n`,
  );
  for (const [kind, g] of gcs) {
    process.stderr.write(
      `loop-watch: GC ${kind}: ${g.n}, ${g.totalMs.toFixed(0)} ms in all, longest ${g.maxMs.toFixed(1)} ms, ${g.over5ms} over 5 ms\n`,
    );
  }
});
