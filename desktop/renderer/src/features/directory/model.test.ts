import { describe, expect, it } from 'vitest';
import { e164 } from '#shared';
import { checkNumber, type DraftRow, findProblems, mergeImport, sameAsSaved, toEntries } from './model';

const keys = () => {
  let n = 0;
  return () => `k${++n}`;
};
const row = (key: string, number: string, label = '', blocked = false): DraftRow => ({
  key,
  number,
  label,
  blocked,
});

describe('checkNumber', () => {
  it('agrees with the protocol schema on what is E.164', () => {
    for (const n of [
      '+15551234567',
      '+4420',
      '+123456789012345',
      '+1',
      '+0123',
      '+1234567890123456',
      '5551234',
      '+1a',
    ]) {
      expect(checkNumber(n) === null, n).toBe(e164.safeParse(n).success);
    }
  });

  it('says what to fix', () => {
    expect(checkNumber('')).toBe('enter a number');
    expect(checkNumber('5551234')).toMatch(/start with \+/);
    expect(checkNumber('+1a')).toBe('only digits after the +');
    expect(checkNumber('+1234567890123456')).toMatch(/at most 15 digits/);
  });
});

describe('findProblems', () => {
  it('flags invalid numbers, long labels and every repeat of a number after the first', () => {
    const rows = [
      row('a', '+1 555 123 4567'),
      row('b', '+15551234567'),
      row('c', 'oops'),
      row('d', '+15550000000', 'y'.repeat(81)),
    ];
    const problems = findProblems(rows);
    expect([...problems.keys()]).toEqual(['b', 'c', 'd']);
    expect(problems.get('b')).toEqual({ number: 'already listed on row 1' });
    expect(problems.get('c')?.number).toMatch(/start with \+/);
    expect(problems.get('d')).toEqual({ label: 'a label is at most 80 characters' });
  });
});

describe('toEntries and sameAsSaved', () => {
  it('normalizes numbers, trims labels to null, and compares with the saved directory', () => {
    const rows = [row('a', ' +1 (555) 123-4567 ', '  Desk '), row('b', '+15550000000', '   ', true)];
    const entries = toEntries(rows);
    expect(entries).toEqual([
      { number: '+15551234567', label: 'Desk', blocked: false },
      { number: '+15550000000', label: null, blocked: true },
    ]);
    expect(sameAsSaved(rows, entries)).toBe(true);
    expect(sameAsSaved([...rows, row('c', '+15551111111')], entries)).toBe(false);
    // A row added and left empty neither blocks the save nor counts as a change.
    const withBlank = [...rows, row('e', '  ')];
    expect(findProblems(withBlank).size).toBe(0);
    expect(toEntries(withBlank)).toEqual(entries);
    expect(sameAsSaved(withBlank, entries)).toBe(true);
    expect(sameAsSaved([rows[0]!, { ...rows[1]!, blocked: false }], entries)).toBe(false);
  });
});

describe('mergeImport', () => {
  it('updates rows whose number the file lists, appends the rest, and is idempotent', () => {
    const newKey = keys();
    const rows = [row('x', '+15551234567', 'Old'), row('y', '+15550000000', 'Keep')];
    const file = [
      { number: '+15551234567', label: 'New', blocked: true },
      { number: '+15559999999', label: null, blocked: false },
    ];
    const first = mergeImport(rows, file, newKey);
    expect(first.added).toBe(1);
    expect(first.updated).toBe(1);
    expect(first.rows).toEqual([
      row('x', '+15551234567', 'New', true),
      row('y', '+15550000000', 'Keep'),
      row('k1', '+15559999999'),
    ]);
    const again = mergeImport(first.rows, file, newKey);
    expect(again).toEqual({ rows: first.rows, added: 0, updated: 0 });
  });
});
