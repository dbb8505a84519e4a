import pino from 'pino';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENGINES, type FreshStorage, freshStorage } from '../../test-support/databases';
import { ringMetrics } from '../src/ring-health/metrics';
import { legOutcomes } from '../src/ring-health/outcomes';
import { RING_WRITE_GAP_MS, RingRecorder } from '../src/ring-health/recorder';
import type { RingLeg } from '../src/storage/types';
import { ended, makeCall } from './storage/fixtures';

const NOT_RUNG_AFTER_MS = 60_000;

/**
 * How often the ring records are written (bench/README.md: a PostgreSQL round trip is a large share
 * of a call setup's CPU): a call that ends at rest is recorded at once, and those that end while a
 * write is under way or within the gap after its start go together in one write at the gap's end.
 * Real storage; the gap runs on vitest's fake timers (its real-time `setTimeout`).
 */
describe.each(ENGINES)('ring record writes on %s', (engine) => {
  let db: FreshStorage;
  let writes: RingLeg[][];
  let tracked: Promise<unknown>[];
  let recorder: RingRecorder;
  beforeEach(async () => {
    db = await freshStorage(engine);
    writes = [];
    tracked = [];
    const storage = db.storage;
    const recordLegs = storage.ringHealth.recordLegs.bind(storage.ringHealth);
    storage.ringHealth.recordLegs = (legs) => {
      writes.push(legs);
      return recordLegs(legs);
    };
    recorder = new RingRecorder({
      storage,
      logger: pino({ level: 'silent' }),
      metrics: ringMetrics(new Registry()),
      notRungAfterMs: NOT_RUNG_AFTER_MS,
      recorded: () => undefined,
      track: (p) => {
        tracked.push(p);
        return p;
      },
    });
    vi.useFakeTimers({ toFake: ['setTimeout', 'performance'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await db.dispose();
  });

  /** Ends a new call that rang its phone; returns its phone's id. */
  const endCall = () => {
    const call = makeCall();
    const end = ended(call, 'completed');
    recorder.committed(call, end);
    return legOutcomes(end, NOT_RUNG_AFTER_MS).map((l) => l.deviceId);
  };
  const settled = () => Promise.all(tracked);
  /** Event-loop turns enough for a write that were going to start to have started. */
  const turns = async () => {
    for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  };

  it('writes at once at rest, and what ends within the gap after a write in one write at its end', async () => {
    const first = endCall();
    expect(first.length).toBeGreaterThan(0);
    await settled();
    expect(writes.map((w) => w.map((l) => l.deviceId))).toEqual([first]);

    // Two calls end right after: nothing goes before the gap is over…
    const second = endCall();
    await turns();
    const third = endCall();
    await turns();
    expect(writes).toHaveLength(1);

    // …not even just before it ends (SQLite's gap is short: its writes pause the event loop)…
    await vi.advanceTimersByTimeAsync(RING_WRITE_GAP_MS[engine] - 1);
    expect(writes).toHaveLength(1);
    // …then both in one write.
    await vi.advanceTimersByTimeAsync(1);
    await settled();
    expect(writes.map((w) => w.map((l) => l.deviceId))).toEqual([first, [...second, ...third]]);

    // Once the gap since the last write is over, a call is written at once again.
    vi.advanceTimersByTime(RING_WRITE_GAP_MS[engine]);
    const fourth = endCall();
    await settled();
    expect(writes.at(-1)?.map((l) => l.deviceId)).toEqual(fourth);
    expect(writes).toHaveLength(3);
  });
});
