import { describe, expect, it } from 'vitest';
import { parseDirectoryCsv, readCsvRecords } from './csv';

describe('readCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers records by their first line', () => {
    const { records, unterminatedAt } = readCsvRecords('a,"b, c"\r\n"say ""hi""","two\nlines"\nlast,x');
    expect(unterminatedAt).toBeNull();
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b, c'] },
      { line: 2, fields: ['say "hi"', 'two\nlines'] },
      { line: 4, fields: ['last', 'x'] },
    ]);
  });

  it('drops a UTF-8 byte-order mark and reports an unterminated quote by the line it opened on', () => {
    const { records, unterminatedAt } = readCsvRecords('\ufeff+15551234567,a\n+15551234568,"open\nstill');
    expect(records).toEqual([{ line: 1, fields: ['+15551234567', 'a'] }]);
    expect(unterminatedAt).toBe(2);
  });
});

describe('parseDirectoryCsv', () => {
  it('skips a header and blank lines, keeps good rows and reports every bad line by number', () => {
    const csv = [
      'Number,Label,Blocked',
      '+15551234567,Front desk,no',
      '',
      '"+1 (555) 765-4321","Night shift, west",yes',
      '+0123,Bad country code,no',
      '15551112222,No plus,',
      '+15553334444,,maybe',
      '+15551234567,Duplicate,no',
      '+15559998888,Extra,no,surprise',
      '  ',
      '+15550001111',
    ].join('\n');
    const { entries, problems } = parseDirectoryCsv(csv);
    expect(entries).toEqual([
      { number: '+15551234567', label: 'Front desk', blocked: false },
      { number: '+15557654321', label: 'Night shift, west', blocked: true },
      { number: '+15550001111', label: null, blocked: false },
    ]);
    expect(problems.map((p) => p.line)).toEqual([5, 6, 7, 8, 9]);
    expect(problems[0]!.message).toContain('"+0123"');
    expect(problems[1]!.message).toContain('start with +');
    expect(problems[2]!.message).toContain('"maybe"');
    expect(problems[3]!.message).toBe('+15551234567 is already on line 2');
    expect(problems[4]!.message).toContain('4 columns');
  });

  it('treats a first row that is a number as data, not as a header', () => {
    expect(parseDirectoryCsv('+15551234567,A,1\n').entries).toEqual([
      { number: '+15551234567', label: 'A', blocked: true },
    ]);
  });

  it('refuses a label longer than the protocol allows', () => {
    const { entries, problems } = parseDirectoryCsv(`+15551234567,${'x'.repeat(81)},no`);
    expect(entries).toEqual([]);
    expect(problems).toEqual([{ line: 1, message: 'a label is at most 80 characters' }]);
  });
});
