import { DAY_MS, EMPTY_COUNTS, type RingCounts, type RingPeriod, ringRate, totalRejected } from '#shared';

const HOUR_MS = 3_600_000;

/** One bar of an outcomes chart: a day's rings, silences and refusals. */
export interface DayOutcome {
  start: number;
  rang: number;
  notRung: number;
  refused: number;
}

/**
 * `count` consecutive UTC days ending with today's, each with its counts (a day with none has
 * zeros): charts draw every day, not only the busy ones, so a gap reads as a gap.
 */
export function lastDays(periods: readonly RingPeriod[], now: number, count: number): RingPeriod[] {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const byStart = new Map(periods.map((p) => [p.start, p.counts]));
  return Array.from({ length: count }, (_, i) => {
    const start = today - (count - 1 - i) * DAY_MS;
    return { start, counts: byStart.get(start) ?? EMPTY_COUNTS };
  });
}

export const outcomesOf = (days: readonly RingPeriod[]): DayOutcome[] =>
  days.map(({ start, counts }) => ({
    start,
    rang: counts.rang,
    notRung: counts.notRung,
    refused: totalRejected(counts),
  }));

/** The hours a phone rang in, with their median and 95th percentile push→ring latency. */
export function latencyPoints(hours: readonly RingPeriod[]): { at: number; p50: number; p95: number }[] {
  return hours
    .filter((h) => h.counts.rang > 0 && h.counts.p50Ms !== null && h.counts.p95Ms !== null)
    .map((h) => ({ at: h.start + HOUR_MS / 2, p50: h.counts.p50Ms!, p95: h.counts.p95Ms! }));
}

/** The team's days: the share of rings that rang, and how long 95 % took (null: none known). */
export function teamPoints(
  days: readonly RingPeriod[],
): { start: number; rate: number | null; p95: number | null }[] {
  return days.map(({ start, counts }) => ({ start, rate: ringRate(counts), p95: counts.p95Ms }));
}

/** "rang for 9 of 10 calls, 1 push refused": a window of a record in words. */
export function countsInWords(c: RingCounts): string {
  const known = c.rang + c.notRung;
  const parts = [known === 0 ? 'no rings' : `rang for ${c.rang} of ${known} calls`];
  const refused = totalRejected(c);
  if (refused > 0) parts.push(`${refused} push${refused === 1 ? '' : 'es'} refused by APNs`);
  if (c.answered > 0) parts.push(`${c.answered} answered`);
  return parts.join(', ');
}
