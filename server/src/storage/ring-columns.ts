import {
  histogramQuantile,
  LATENCY_BUCKET_COUNT,
  latencyBucket,
  REJECT_REASONS,
  type RejectReason,
  type RingCounts,
} from '#shared';
import type { RingLeg } from './ring-health-types';
import type { RingRollupsTable } from './schema';

/** A rollup row's counts, by column: what one event adds, or what a window sums to. */
export type RingCountColumn = Exclude<keyof RingRollupsTable, 'device_id' | 'period' | 'start'>;
export type RingDelta = Record<RingCountColumn, number>;

const REJECT_COLUMNS: Record<RejectReason, RingCountColumn> = {
  unregistered: 'rej_unregistered',
  badToken: 'rej_bad_token',
  wrongTopic: 'rej_wrong_topic',
  credentials: 'rej_credentials',
  throttled: 'rej_throttled',
  apnsError: 'rej_apns_error',
  noAnswer: 'rej_no_answer',
};

export const LATENCY_COLUMNS = Array.from(
  { length: LATENCY_BUCKET_COUNT },
  (_, i) => `lat_${i}` as RingCountColumn,
);

/** Every count column, in one order: the upsert's SQL text is the same whatever the event. */
export const RING_COUNT_COLUMNS: RingCountColumn[] = [
  'pushes',
  'accepted',
  ...REJECT_REASONS.map((r) => REJECT_COLUMNS[r]),
  'rang',
  'not_rung',
  'answered',
  ...LATENCY_COLUMNS,
];

export const zeroDelta = (): RingDelta =>
  Object.fromEntries(RING_COUNT_COLUMNS.map((c) => [c, 0])) as RingDelta;

/** What one phone's part in a call adds: its push's answer, a ring (and its latency) or none, an answer. */
export function legDelta(leg: Pick<RingLeg, 'push' | 'outcome' | 'latencyMs' | 'answered'>): RingDelta {
  const d = zeroDelta();
  if (leg.push) {
    d.pushes = 1;
    if (leg.push.reason === null) d.accepted = 1;
    else d[REJECT_COLUMNS[leg.push.reason]] = 1;
  }
  if (leg.outcome === 'rang') {
    d.rang = 1;
    if (leg.latencyMs !== null) d[LATENCY_COLUMNS[latencyBucket(leg.latencyMs)]!] = 1;
  } else if (leg.outcome === 'notRung') d.not_rung = 1;
  if (leg.answered) d.answered = 1;
  return d;
}

/** Sums read back from the database (PostgreSQL's sum() of integers is a bigint) as counts. */
export function countsOf(sums: Partial<Record<RingCountColumn, unknown>>): RingCounts {
  const n = (c: RingCountColumn) => Number(sums[c] ?? 0);
  const latency = LATENCY_COLUMNS.map(n);
  return {
    pushes: n('pushes'),
    accepted: n('accepted'),
    rejected: Object.fromEntries(
      REJECT_REASONS.map((r) => [r, n(REJECT_COLUMNS[r])]),
    ) as RingCounts['rejected'],
    rang: n('rang'),
    notRung: n('not_rung'),
    answered: n('answered'),
    p50Ms: histogramQuantile(latency, 0.5),
    p95Ms: histogramQuantile(latency, 0.95),
  };
}
