import {
  type DeviceEntry,
  type HealthState,
  healthRank,
  type PhoneHealth,
  type PhoneRecord,
  phoneHealth,
  type StaffEntry,
} from '#shared';

/** One phone as the Health screen lists it. */
export interface HealthRow {
  staff: StaffEntry;
  device: DeviceEntry;
  mark: PhoneHealth;
  record: PhoneRecord | null;
}

export interface HealthFilters {
  /** One state, or every one. */
  state: HealthState | 'all';
  /** Only phones that are not Good (or untested). */
  problems: boolean;
  /** Part of a staff member's or a phone's name. */
  query: string;
}

export const NO_HEALTH_FILTERS: HealthFilters = { state: 'all', problems: false, query: '' };

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Every phone with its mark, worst first, then by staff and phone name (as the CSV export is). */
export function healthRows(
  staff: readonly StaffEntry[],
  records: Readonly<Record<string, PhoneRecord>>,
  now: number,
  apnsConfigured: boolean,
): HealthRow[] {
  return staff
    .flatMap((s) =>
      s.devices.map((device) => {
        const record = records[device.id] ?? null;
        return { staff: s, device, record, mark: phoneHealth(device, record, now, apnsConfigured) };
      }),
    )
    .sort(
      (a, b) =>
        healthRank(a.mark.state) - healthRank(b.mark.state) ||
        collator.compare(a.staff.name, b.staff.name) ||
        collator.compare(a.device.name, b.device.name),
    );
}

export function filterHealthRows(rows: readonly HealthRow[], f: HealthFilters): HealthRow[] {
  const q = f.query.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (f.state === 'all' || r.mark.state === f.state) &&
      (!f.problems || (r.mark.state !== 'good' && r.mark.state !== 'untested')) &&
      (q === '' || r.staff.name.toLowerCase().includes(q) || r.device.name.toLowerCase().includes(q)),
  );
}

/** How many phones are in each state: the filter says "Not ringing (2)". */
export function stateCounts(rows: readonly HealthRow[]): Partial<Record<HealthState, number>> {
  const counts: Partial<Record<HealthState, number>> = {};
  for (const r of rows) counts[r.mark.state] = (counts[r.mark.state] ?? 0) + 1;
  return counts;
}
