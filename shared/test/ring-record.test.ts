import { describe, expect, it } from 'vitest';
import {
  EMPTY_COUNTS,
  histogramQuantile,
  LATENCY_BUCKET_COUNT,
  LATENCY_BUCKETS_MS,
  latencyBucket,
  NO_REJECTS,
  rejectReasonOf,
  ringRate,
} from '#shared';

const histogram = (entries: Record<number, number>) => {
  const counts = new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
  for (const [ms, n] of Object.entries(entries)) counts[latencyBucket(Number(ms))]! += n;
  return counts;
};

describe('the push→ring latency histogram', () => {
  it('puts a latency in the first bucket whose bound it does not exceed', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(latencyBucket(250)).toBe(0);
    expect(latencyBucket(251)).toBe(1);
    expect(latencyBucket(LATENCY_BUCKETS_MS.at(-1)!)).toBe(LATENCY_BUCKETS_MS.length - 1);
    expect(latencyBucket(LATENCY_BUCKETS_MS.at(-1)! + 1)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it('answers quantiles within the bucket they fall in, null when empty', () => {
    expect(histogramQuantile(histogram({}), 0.5)).toBeNull();
    // 100 rings between 500 and 750 ms: the median is halfway through that bucket.
    expect(histogramQuantile(histogram({ 600: 100 }), 0.5)).toBe(625);
    const mixed = histogram({ 200: 90, 4000: 10 });
    expect(histogramQuantile(mixed, 0.5)).toBeLessThanOrEqual(250);
    const p95 = histogramQuantile(mixed, 0.95)!;
    expect(p95).toBeGreaterThan(3_000);
    expect(p95).toBeLessThanOrEqual(5_000);
    // Beyond the last bound, the answer is that bound: "at least 21 s".
    expect(histogramQuantile(histogram({ 60000: 3 }), 0.95)).toBe(21_000);
  });
});

describe('why APNs did not take a push', () => {
  const r = (
    outcome: 'accepted' | 'tokenInvalid' | 'retryable' | 'configError',
    status: number | null,
    reason: string | null,
  ) => rejectReasonOf({ outcome, status, reason });

  it('counts by a fixed set of reasons', () => {
    expect(r('accepted', 200, null)).toBeNull();
    expect(r('tokenInvalid', 410, 'Unregistered')).toBe('unregistered');
    expect(r('tokenInvalid', 400, 'BadDeviceToken')).toBe('badToken');
    expect(r('tokenInvalid', 400, 'DeviceTokenNotForTopic')).toBe('wrongTopic');
    expect(r('configError', 403, 'InvalidProviderToken')).toBe('credentials');
    expect(r('retryable', 429, 'TooManyRequests')).toBe('throttled');
    expect(r('retryable', 503, 'ServiceUnavailable')).toBe('apnsError');
    expect(r('retryable', null, 'ECONNRESET')).toBe('noAnswer');
  });

  it('gives a ring rate over the calls whose outcome is known', () => {
    expect(ringRate(EMPTY_COUNTS)).toBeNull();
    expect(ringRate({ rang: 3, notRung: 1, rejected: { ...NO_REJECTS, unregistered: 1 } })).toBe(0.6);
  });
});
