import { type Call, isLive } from '#shared';
import type { CallObserver } from '../calls/lifecycle';
import type { Logger } from '../ops/logger';
import type { RingLeg, RingPhoneState, Storage } from '../storage/types';
import type { RingMetrics } from './metrics';
import { legOutcomes } from './outcomes';

export interface RingRecorderOptions {
  storage: Storage;
  logger: Logger;
  metrics: RingMetrics;
  notRungAfterMs: number;
  /** These phones' records changed: their state after the write, and the legs written. */
  recorded: (phones: RingPhoneState[], legs: RingLeg[]) => void;
  /** Tracks the writes, so the server's `idle()` and `close()` wait for them. */
  track: <T>(p: Promise<T>) => Promise<T>;
}

/**
 * The least time between the starts of two ring-record writes of this process, in real time, by
 * storage engine. A PostgreSQL round trip is a large share of a call setup's CPU (bench/README.md),
 * and under load a record write went out for every third call (with 50 ms, a cluster node at 30
 * calls a second still wrote for every second call); held this long, one write carries what ended
 * meanwhile. SQLite writes on the event loop, so a longer gap makes each write a longer pause for
 * every call in flight (bench:ring's p99 overhead, median of 8 runs, 4.5 → 7.2 ms at 250 ms): it
 * keeps the short one. At rest a call's record still goes at once. What a crash loses is at most
 * this long's records (never a call: they are written after it), where it was one write's.
 */
export const RING_WRITE_GAP_MS = { sqlite: 50, postgres: 250 } as const;

/**
 * Writes what became of each phone into its ring record when a call ends (issue 25 item 1). Only
 * the write that ends a call does it, and a call ends once, under its lock: whichever node that
 * is, every ring is counted exactly once, with no per-event rows.
 *
 * Calls that end while a write is under way, or within `RING_WRITE_GAP_MS` of its start, go into
 * the next one together: under load, one statement records many calls (issue 25's 5 % budget), and
 * at rest each call is written at once.
 */
export class RingRecorder implements CallObserver {
  private queue: RingLeg[] = [];
  /** Until the queue is empty: the writes, and the waits for the gap between them. */
  private writing: Promise<void> | null = null;
  /** When the last write started, on `performance.now()`. */
  private lastWrite = Number.NEGATIVE_INFINITY;

  constructor(private readonly o: RingRecorderOptions) {}

  committed(prev: Call | null, next: Call): void {
    if (prev === null || !isLive(prev) || isLive(next)) return;
    const legs = legOutcomes(next, this.o.notRungAfterMs);
    if (legs.length === 0) return;
    this.queue.push(...legs);
    this.writing ??= this.o.track(this.writeAll()).finally(() => {
      this.writing = null;
    });
  }

  private async writeAll(): Promise<void> {
    // Calls ended by the same burst of socket messages join the first write too.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const wait = this.lastWrite + RING_WRITE_GAP_MS[this.o.storage.engine] - performance.now();
      if (wait > 0) await new Promise<void>((resolve) => setTimeout(resolve, wait));
      this.lastWrite = performance.now();
      const legs = this.queue;
      this.queue = [];
      try {
        const phones = await this.o.storage.ringHealth.recordLegs(legs);
        this.o.metrics.legs(legs);
        this.o.recorded(phones, legs);
      } catch (err) {
        this.o.logger.error({ err, legs: legs.length }, 'could not record how calls rang their phones');
      }
    }
  }
}
