import {
  HEALTH_CSV_COLUMNS,
  type HealthState,
  healthRank,
  type PhoneRecord,
  REJECT_REASONS,
  ringRate,
} from '#shared';
import type { Storage } from '../storage/types';
import type { PhoneHealthService } from './health';

/**
 * The Health screen's list as CSV rows (issue 25 item 5): every phone, worst first (then by staff
 * and phone name), with its mark, the fix in words and its record over 7 days and 24 h.
 */
export async function healthCsvRows(
  o: { storage: Storage; health: PhoneHealthService },
  filter: { state?: HealthState },
): Promise<string[][]> {
  const [staff, devices, records] = await Promise.all([
    o.storage.staff.list(),
    o.storage.devices.list(),
    o.health.records(),
  ]);
  const names = new Map(staff.map((s) => [s.id, s.name]));
  const byDevice = new Map(records.map((r) => [r.deviceId, r]));
  const rows = devices.map((device) => {
    const record = byDevice.get(device.id) ?? null;
    const { health } = o.health.healthOf(device, record);
    return { device, record, health, staff: names.get(device.staffId) ?? '' };
  });
  const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });
  return rows
    .filter((r) => filter.state === undefined || r.health.state === filter.state)
    .sort(
      (a, b) =>
        healthRank(a.health.state) - healthRank(b.health.state) ||
        collator.compare(a.staff, b.staff) ||
        collator.compare(a.device.name, b.device.name),
    )
    .map((r) => csvRow(r.staff, r.device.name, r.health.label, r.health.fix, r.record));
}

function csvRow(staff: string, phone: string, mark: string, fix: string, r: PhoneRecord | null): string[] {
  const w = r?.week;
  const num = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
  const rate = w ? ringRate(w) : null;
  const row: Record<(typeof HEALTH_CSV_COLUMNS)[number], string> = {
    staff,
    phone,
    mark,
    fix,
    pushes_7d: num(w?.pushes ?? 0),
    accepted_7d: num(w?.accepted ?? 0),
    rejected_7d: num(w ? REJECT_REASONS.reduce((sum, k) => sum + w.rejected[k], 0) : 0),
    rang_7d: num(w?.rang ?? 0),
    not_rung_7d: num(w?.notRung ?? 0),
    answered_7d: num(w?.answered ?? 0),
    ring_rate_7d: rate === null ? '' : rate.toFixed(3),
    p50_ms_7d: num(w?.p50Ms),
    p95_ms_7d: num(w?.p95Ms),
    rang_24h: num(r?.day.rang ?? 0),
    not_rung_24h: num(r?.day.notRung ?? 0),
    not_rung_in_a_row: num(r?.notRungStreak ?? 0),
    last_ring: r?.lastRangAt ? new Date(r.lastRangAt).toISOString() : '',
  };
  return HEALTH_CSV_COLUMNS.map((c) => row[c]);
}
