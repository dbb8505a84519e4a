import { type Clock, sleep } from '#shared';
import type { PushResult } from './types';

export interface RetryPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** Each delay is this many times the previous one. */
  factor: number;
  /** A multiplier applied to every delay (spreads retries out); return 1 for none. */
  jitter: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 500,
  maxMs: 8000,
  factor: 2,
  jitter: () => 0.8 + Math.random() * 0.4,
};

/** The wait before retry number `retry` (1 = the first retry). */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const raw = policy.baseMs * policy.factor ** (retry - 1);
  return Math.round(Math.min(policy.maxMs, Math.min(policy.maxMs, raw) * policy.jitter()));
}

/**
 * Goes on after `first`, a retryable result: waits the backoff on `clock`, runs `attempt` (numbered
 * from 2) and so on until a result is not `retryable`, `stop` is aborted, or the next backoff would
 * end past `deadline`; resolves with the last result.
 */
export async function retryUntilDeadline(
  first: PushResult,
  attempt: (n: number) => Promise<PushResult>,
  o: {
    policy: RetryPolicy;
    clock: Clock;
    deadline: number;
    stop: AbortSignal;
    /** After every retried attempt. */
    onAttempt: (result: PushResult) => void;
    /** When the deadline, not the answer, ends the retries. */
    onDeadline: (result: PushResult) => void;
  },
): Promise<PushResult> {
  let result = first;
  for (let n = 2; ; n++) {
    if (result.outcome !== 'retryable' || o.stop.aborted) return result;
    const delay = backoffDelay(o.policy, n - 1);
    if (o.clock.now() + delay >= o.deadline) {
      o.onDeadline(result);
      return result;
    }
    try {
      await sleep(o.clock, delay, o.stop);
    } catch {
      return result;
    }
    result = await attempt(n);
    o.onAttempt(result);
  }
}
