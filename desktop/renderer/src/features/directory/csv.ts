import type { DirectoryEntry } from '#shared';
import { checkLabel, checkNumber, normalizeNumber } from './model';

export interface CsvProblem {
  /** 1-based line of the file where the record starts. */
  line: number;
  message: string;
}

export interface CsvImport {
  entries: DirectoryEntry[];
  problems: CsvProblem[];
}

interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks; CRLF, LF and a
 * UTF-8 byte-order mark (what spreadsheet apps write) are all accepted. A quote left open runs to
 * the end of the file, which is reported rather than guessed at.
 */
export function readCsvRecords(text: string): { records: CsvRecord[]; unterminatedAt: number | null } {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let quoteLine = 0;
  const endRecord = () => {
    fields.push(field);
    records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field.trim() === '') {
      quoted = true;
      quoteLine = line;
      field = '';
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (quoted) return { records, unterminatedAt: quoteLine };
  if (field !== '' || fields.length > 0) endRecord();
  return { records, unterminatedAt: null };
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'y', 'blocked', 'block', 'x']);
const FALSE_WORDS = new Set(['', '0', 'false', 'no', 'n', 'allowed', 'allow']);

function parseBlocked(value: string): boolean | null {
  const v = value.trim().toLowerCase();
  if (TRUE_WORDS.has(v)) return true;
  if (FALSE_WORDS.has(v)) return false;
  return null;
}

const isHeader = (r: CsvRecord) => /^\s*(number|phone|phone number|e\.?164)\s*$/i.test(r.fields[0] ?? '');

/**
 * `number,label,blocked` rows to directory entries. Blank lines and a header row are skipped; every
 * bad line is reported by number and the good ones are kept, so one typo does not sink an import.
 * A number listed twice is reported on its second line (the first one wins).
 */
export function parseDirectoryCsv(text: string): CsvImport {
  const { records, unterminatedAt } = readCsvRecords(text);
  const entries: DirectoryEntry[] = [];
  const problems: CsvProblem[] = [];
  const firstLineOf = new Map<string, number>();
  for (const [index, record] of records.entries()) {
    if (record.fields.every((f) => f.trim() === '')) continue;
    if (index === 0 && isHeader(record)) continue;
    const [rawNumber = '', rawLabel = '', rawBlocked = '', ...extra] = record.fields;
    const fail = (message: string) => problems.push({ line: record.line, message });
    if (extra.some((f) => f.trim() !== '')) {
      fail(`expected number,label,blocked but found ${record.fields.length} columns`);
      continue;
    }
    const number = normalizeNumber(rawNumber);
    const numberProblem = checkNumber(number);
    if (numberProblem) {
      fail(`"${rawNumber.trim()}": ${numberProblem}`);
      continue;
    }
    const label = rawLabel.trim();
    const labelProblem = checkLabel(label);
    if (labelProblem) {
      fail(labelProblem);
      continue;
    }
    const blocked = parseBlocked(rawBlocked);
    if (blocked === null) {
      fail(`blocked must be yes or no (or true/false, 1/0), not "${rawBlocked.trim()}"`);
      continue;
    }
    const seen = firstLineOf.get(number);
    if (seen !== undefined) {
      fail(`${number} is already on line ${seen}`);
      continue;
    }
    firstLineOf.set(number, record.line);
    entries.push({ number, label: label === '' ? null : label, blocked });
  }
  if (unterminatedAt !== null) {
    problems.push({
      line: unterminatedAt,
      message: 'a quote opened here is never closed; the rest of the file was skipped',
    });
  }
  return { entries, problems };
}
