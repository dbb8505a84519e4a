import type { Insertable } from 'kysely';
import { legDelta, RING_COUNT_COLUMNS } from './ring-columns';
import type { RingLeg } from './ring-health-types';
import type { RingRollupsTable } from './schema';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

type RollupRow = Insertable<RingRollupsTable>;
interface PhoneRow {
  device_id: string;
  not_rung_streak: number;
  last_rang_at: number | null;
  last_push_at: number | null;
}

/**
 * A batch's rollup rows: one per phone, period and start, with its legs' counts summed, since one
 * upsert may not touch a row twice (PostgreSQL refuses it); in key order, so that two nodes'
 * transactions over the same rows lock them in the same order and cannot deadlock.
 */
export function rollupRows(legs: RingLeg[]): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const leg of legs) {
    const delta = legDelta(leg);
    const hour = Math.floor(leg.at / HOUR_MS) * HOUR_MS;
    const day = Math.floor(leg.at / DAY_MS) * DAY_MS;
    for (const [period, start] of [
      ['h', hour],
      ['d', day],
    ] as const) {
      const key = `${leg.deviceId}\u0000${period}\u0000${start}`;
      const row = rows.get(key);
      if (!row) {
        rows.set(key, { device_id: leg.deviceId, period, start, ...delta });
        continue;
      }
      const sums = row as unknown as Record<string, number>;
      for (const c of RING_COUNT_COLUMNS) sums[c] = (sums[c] ?? 0) + delta[c];
    }
  }
  return [...rows.values()].sort(
    (a, b) =>
      compare(a.device_id, b.device_id) || compare(a.period, b.period) || Number(a.start) - Number(b.start),
  );
}

/**
 * A batch's row per phone, its legs folded in the order their calls ended: `last_rang_at` is set
 * when one of them rang, and `not_rung_streak` then counts only the silent calls after the last
 * ring (the upsert restarts the stored streak from it), else every silent call (added to it).
 */
export function phoneRows(legs: RingLeg[]): PhoneRow[] {
  const rows = new Map<string, PhoneRow>();
  for (const leg of legs) {
    let row = rows.get(leg.deviceId);
    if (!row) {
      row = { device_id: leg.deviceId, not_rung_streak: 0, last_rang_at: null, last_push_at: null };
      rows.set(leg.deviceId, row);
    }
    if (leg.outcome === 'rang') {
      row.not_rung_streak = 0;
      row.last_rang_at = later(row.last_rang_at, leg.rangAt);
    } else if (leg.outcome === 'notRung') row.not_rung_streak += 1;
    if (leg.push) row.last_push_at = later(row.last_push_at, leg.push.at);
  }
  return [...rows.values()].sort((a, b) => compare(a.device_id, b.device_id));
}

const later = (a: number | null, b: number | null) => (a === null ? b : b === null ? a : Math.max(a, b));
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
