import type { DeviceEntry, StaffEntry } from '#shared';

/** The roster flattened for the virtual list: a staff row, then one row per phone (or a hint). */
export type Row =
  | { kind: 'staff'; key: string; staff: StaffEntry }
  | { kind: 'device'; key: string; staff: StaffEntry; device: DeviceEntry }
  | { kind: 'nophone'; key: string; staff: StaffEntry };

export const ROW_HEIGHT = { staff: 48, device: 56, nophone: 40 } as const;

export interface SearchEntry {
  staff: StaffEntry;
  text: string;
  digits: string;
}

/** Built once per roster change, so a keystroke only scans prepared lowercase strings. */
export function buildSearchIndex(staff: StaffEntry[]): SearchEntry[] {
  return staff.map((s) => ({
    staff: s,
    text: [s.name, s.handle ?? '', ...s.devices.map((d) => d.name)].join('\n').toLowerCase(),
    digits: (s.handle ?? '').replace(/\D/g, ''),
  }));
}

export function filterStaff(index: SearchEntry[], query: string): StaffEntry[] {
  const q = query.trim().toLowerCase();
  if (q === '') return index.map((e) => e.staff);
  // A query of digits (and + - spaces) is a number: match it against the digits of the handle.
  const qDigits = /^[\d\s()+-]+$/.test(q) ? q.replace(/\D/g, '') : '';
  return index
    .filter((e) => e.text.includes(q) || (qDigits !== '' && e.digits.includes(qDigits)))
    .map((e) => e.staff);
}

export function toRows(staff: StaffEntry[]): Row[] {
  const rows: Row[] = [];
  for (const s of staff) {
    rows.push({ kind: 'staff', key: `s:${s.id}`, staff: s });
    if (s.devices.length === 0) rows.push({ kind: 'nophone', key: `n:${s.id}`, staff: s });
    for (const d of s.devices) rows.push({ kind: 'device', key: `d:${d.id}`, staff: s, device: d });
  }
  return rows;
}
