import { z } from 'zod';
import { entityId, epochMs } from './call';

/**
 * A phone's ring record (issue 25 item 1): what became of the calls that rang it. The server keeps
 * it as rollups (one row per phone per hour, and per day), each with the push→ring latency as a
 * fixed histogram: a row's size does not grow with traffic, and rows written by several cluster
 * nodes add up by increments, never by reading a row and writing it back.
 */

/**
 * Upper bounds (ms) of the push→ring latency histogram; one more bucket holds what is slower.
 * Fine where phones usually ring (under 2 s), coarse beyond, where any answer says "slow".
 */
export const LATENCY_BUCKETS_MS = [
  250, 500, 750, 1000, 1500, 2000, 3000, 5000, 8000, 13_000, 21_000,
] as const;
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKETS_MS.length + 1;

/** The histogram bucket a latency falls in: the first bound it does not exceed. */
export function latencyBucket(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * The q-quantile (0 < q ≤ 1) of a histogram, interpolated linearly inside its bucket as
 * Prometheus's histogram_quantile does; the open last bucket answers with its lower bound. Null
 * for an empty histogram.
 */
export function histogramQuantile(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i] ?? 0;
    if (n === 0 || seen + n < rank) {
      seen += n;
      continue;
    }
    const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
    const upper = LATENCY_BUCKETS_MS[i];
    if (upper === undefined) return lower;
    return Math.round(lower + ((upper - lower) * (rank - seen)) / n);
  }
  return LATENCY_BUCKETS_MS.at(-1)!;
}

/**
 * Why APNs did not take a call push, in a fixed set (what the record counts by): APNs' own reason
 * strings are many and may grow, and a record's size must not.
 */
export const REJECT_REASONS = [
  /** 410 Unregistered, ExpiredToken: the app was deleted or its token rotated. */
  'unregistered',
  /** 400 BadDeviceToken: a token of the other APNs environment, or garbage. */
  'badToken',
  /** 400 DeviceTokenNotForTopic, TopicDisallowed: the token belongs to another app. */
  'wrongTopic',
  /** 403: the server's key, key id or team id. */
  'credentials',
  /** 429 TooManyRequests, still refused at the ring deadline. */
  'throttled',
  /** 5xx or another status, still refused at the ring deadline. */
  'apnsError',
  /** No answer at all: the connection dropped, or APNs was unreachable until the deadline. */
  'noAnswer',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** What a call push's last answer from APNs was, as the record counts it: null when accepted. */
export function rejectReasonOf(result: {
  outcome: 'accepted' | 'tokenInvalid' | 'retryable' | 'configError';
  status: number | null;
  reason: string | null;
}): RejectReason | null {
  switch (result.outcome) {
    case 'accepted':
      return null;
    case 'tokenInvalid':
      if (result.reason === 'DeviceTokenNotForTopic' || result.reason === 'TopicDisallowed')
        return 'wrongTopic';
      return result.status === 410 || result.reason === 'ExpiredToken' ? 'unregistered' : 'badToken';
    case 'configError':
      return 'credentials';
    case 'retryable':
      if (result.status === null) return 'noAnswer';
      return result.status === 429 ? 'throttled' : 'apnsError';
  }
}

export const rejectCountsSchema = z.object(
  Object.fromEntries(REJECT_REASONS.map((r) => [r, z.number().int().nonnegative()])) as Record<
    RejectReason,
    z.ZodNumber
  >,
);
export type RejectCounts = z.infer<typeof rejectCountsSchema>;

/** A phone's record over one window (the last 24 h, the last 7 days, one day). */
export const ringCountsSchema = z.object({
  /** Call pushes whose last answer from APNs is known. */
  pushes: z.number().int().nonnegative(),
  accepted: z.number().int().nonnegative(),
  rejected: rejectCountsSchema,
  /** The phone reported ringing. */
  rang: z.number().int().nonnegative(),
  /** Pushed, not refused, and no ring report before the deadline. */
  notRung: z.number().int().nonnegative(),
  answered: z.number().int().nonnegative(),
  /** Push→ring latency (ms); null without a ring in the window. */
  p50Ms: z.number().int().nonnegative().nullable(),
  p95Ms: z.number().int().nonnegative().nullable(),
});
export type RingCounts = z.infer<typeof ringCountsSchema>;

export const phoneRecordSchema = z.object({
  deviceId: entityId,
  day: ringCountsSchema,
  week: ringCountsSchema,
  /** Calls in a row, up to now, whose push was accepted and that did not ring. */
  notRungStreak: z.number().int().nonnegative(),
  lastRangAt: epochMs.nullable(),
  lastPushAt: epochMs.nullable(),
});
export type PhoneRecord = z.infer<typeof phoneRecordSchema>;

export const NO_REJECTS: RejectCounts = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as RejectCounts;

export const EMPTY_COUNTS: RingCounts = {
  pushes: 0,
  accepted: 0,
  rejected: NO_REJECTS,
  rang: 0,
  notRung: 0,
  answered: 0,
  p50Ms: null,
  p95Ms: null,
};

export const emptyRecord = (deviceId: string): PhoneRecord => ({
  deviceId,
  day: EMPTY_COUNTS,
  week: EMPTY_COUNTS,
  notRungStreak: 0,
  lastRangAt: null,
  lastPushAt: null,
});

export const totalRejected = (c: Pick<RingCounts, 'rejected'>): number =>
  REJECT_REASONS.reduce((sum, r) => sum + c.rejected[r], 0);

/**
 * The share of rings that rang: of the calls whose outcome on this phone is known (it rang, it was
 * pushed and did not ring, or APNs refused its push), those that rang. Null when none is known.
 */
export function ringRate(c: Pick<RingCounts, 'rang' | 'notRung' | 'rejected'>): number | null {
  const known = c.rang + c.notRung + totalRejected(c);
  return known === 0 ? null : c.rang / known;
}
