import { type DirectoryEntry, directoryEntrySchema, e164 } from '#shared';

/** One editable row. Kept as typed, so a half-written number survives re-renders and failed saves. */
export interface DraftRow {
  key: string;
  number: string;
  label: string;
  blocked: boolean;
}

export interface RowProblems {
  number?: string;
  label?: string;
}

const LABEL_MAX = directoryEntrySchema.shape.label.unwrap().maxLength ?? 80;

/**
 * People paste numbers as "+1 (555) 010-0000": spaces, dots, dashes and parentheses are layout,
 * not digits, so they are dropped before the E.164 check rather than rejected.
 */
export function normalizeNumber(raw: string): string {
  return raw.trim().replace(/[\s().-]/g, '');
}

/** Why a (normalized) number is not E.164, in words for the message beside the field; null if it is. */
export function checkNumber(number: string): string | null {
  if (number === '') return 'enter a number';
  if (!number.startsWith('+')) return 'start with + and the country code, e.g. +15551234567';
  if (!/^\+\d*$/.test(number)) return 'only digits after the +';
  if (number[1] === '0') return 'a country code never starts with 0';
  if (number.length > 16) return 'too long: E.164 allows at most 15 digits';
  const parsed = e164.safeParse(number);
  return parsed.success ? null : 'too short for a phone number';
}

export function checkLabel(label: string): string | null {
  return label.trim().length > LABEL_MAX ? `a label is at most ${LABEL_MAX} characters` : null;
}

/** A row added and never filled in: left out of the save instead of blocking it. */
export const isBlank = (row: DraftRow): boolean => row.number.trim() === '' && row.label.trim() === '';

/**
 * Problems per row key (blank rows have none). A number listed twice is flagged on every later row: iOS's Call Directory
 * extension refuses a whole load that contains a duplicate, so the phone would lose all caller ID.
 */
export function findProblems(rows: readonly DraftRow[]): Map<string, RowProblems> {
  const problems = new Map<string, RowProblems>();
  const firstRow = new Map<string, number>();
  rows.forEach((row, index) => {
    if (isBlank(row)) return;
    const number = normalizeNumber(row.number);
    const p: RowProblems = {};
    const numberProblem = checkNumber(number);
    if (numberProblem) p.number = numberProblem;
    else {
      const first = firstRow.get(number);
      if (first !== undefined) p.number = `already listed on row ${first + 1}`;
      else firstRow.set(number, index);
    }
    const labelProblem = checkLabel(row.label);
    if (labelProblem) p.label = labelProblem;
    if (p.number || p.label) problems.set(row.key, p);
  });
  return problems;
}

/** What `PUT /api/directory` saves; only called once findProblems is empty. */
export function toEntries(rows: readonly DraftRow[]): DirectoryEntry[] {
  return rows
    .filter((r) => !isBlank(r))
    .map((r) => {
      const label = r.label.trim();
      return { number: normalizeNumber(r.number), label: label === '' ? null : label, blocked: r.blocked };
    });
}

export function toRows(entries: readonly DirectoryEntry[], newKey: () => string): DraftRow[] {
  return entries.map((e) => ({ key: newKey(), number: e.number, label: e.label ?? '', blocked: e.blocked }));
}

/** True when the rows would save as exactly `saved`. */
export function sameAsSaved(draft: readonly DraftRow[], saved: readonly DirectoryEntry[]): boolean {
  const rows = draft.filter((r) => !isBlank(r));
  if (rows.length !== saved.length) return false;
  return rows.every((row, i) => {
    const s = saved[i]!;
    return (
      normalizeNumber(row.number) === s.number &&
      (row.label.trim() || null) === s.label &&
      row.blocked === s.blocked
    );
  });
}

/**
 * An import updates the rows whose number it lists (label and blocked flag from the file) and
 * appends the others, so importing the same file twice changes nothing.
 */
export function mergeImport(
  rows: readonly DraftRow[],
  entries: readonly DirectoryEntry[],
  newKey: () => string,
): { rows: DraftRow[]; added: number; updated: number } {
  const byNumber = new Map(entries.map((e) => [e.number, e]));
  let updated = 0;
  const next = rows.map((row) => {
    const entry = byNumber.get(normalizeNumber(row.number));
    if (!entry) return row;
    byNumber.delete(entry.number);
    const label = entry.label ?? '';
    if (row.label === label && row.blocked === entry.blocked) return row;
    updated++;
    return { ...row, label, blocked: entry.blocked };
  });
  const added = [...byNumber.values()];
  return { rows: [...next, ...toRows(added, newKey)], added: added.length, updated };
}
