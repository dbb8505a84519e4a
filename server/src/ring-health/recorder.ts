import { type Call, isLive } from '#shared';
import type { CallObserver } from '../calls/lifecycle';
import type { Logger } from '../ops/logger';
import type { Storage } from '../storage/types';
import type { RingMetrics } from './metrics';
import { legOutcomes } from './outcomes';

export interface RingRecorderOptions {
  storage: Storage;
  logger: Logger;
  metrics: RingMetrics;
  notRungAfterMs: number;
  /** These phones' records changed. */
  recorded: (deviceIds: string[]) => void;
  /** Tracks the write, so the server's `idle()` and `close()` wait for it. */
  track: <T>(p: Promise<T>) => Promise<T>;
}

/**
 * Writes what became of each phone into its ring record when a call ends (issue 25 item 1). Only
 * the write that ends a call does it, and a call ends once, under its lock: whichever node that
 * is, every ring is counted exactly once, with no per-event rows.
 */
export class RingRecorder implements CallObserver {
  constructor(private readonly o: RingRecorderOptions) {}

  committed(prev: Call | null, next: Call): void {
    if (prev === null || !isLive(prev) || isLive(next)) return;
    const legs = legOutcomes(next, this.o.notRungAfterMs);
    if (legs.length === 0) return;
    const write = this.o.storage.ringHealth.recordLegs(legs).then(() => {
      this.o.metrics.legs(legs);
      this.o.recorded(legs.map((l) => l.deviceId));
    });
    void this.o.track(write).catch((err: unknown) => {
      this.o.logger.error({ err, callId: next.id }, 'could not record how the call rang its phones');
    });
  }
}
