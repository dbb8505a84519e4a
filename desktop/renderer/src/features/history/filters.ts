import {
  type AgentRequest,
  DIRECTIONS,
  type Direction,
  END_REASON_LABELS,
  END_REASONS,
  type EndReason,
  QUALITY_MARKS,
  type QualityMark,
} from '#shared';

/** The filter form as typed: '' means "any"; dates are the `yyyy-mm-dd` of `<input type="date">`. */
export interface HistoryFilters {
  staffId: string;
  direction: '' | Direction;
  outcome: '' | EndReason;
  fromDate: string;
  toDate: string;
  /** The call's audio mark (its worse end's). */
  quality: '' | QualityMark;
  /** A disposition's id, or '' for any (issue 24 item 3). */
  dispositionId: string;
}

export const NO_FILTERS: HistoryFilters = {
  staffId: '',
  direction: '',
  outcome: '',
  fromDate: '',
  toDate: '',
  quality: '',
  dispositionId: '',
};

const localDate = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** "Calls with poor audio this week": the last 7 local days, today included. */
export function poorAudioThisWeek(now: number): HistoryFilters {
  const today = new Date(now);
  const weekAgo = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 6);
  return { ...NO_FILTERS, quality: 'poor', fromDate: localDate(weekAgo) };
}

/** The outcome filter's choices, named as the call card names each end. */
export const OUTCOME_OPTIONS = END_REASONS.map((value) => ({ value, label: END_REASON_LABELS[value] }));

export type HistoryQuery = Omit<AgentRequest<'history:query'>, 'cursor' | 'limit'>;

export type FilterResult = { ok: true; query: HistoryQuery } | { ok: false; error: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Local midnight at the start of `yyyy-mm-dd` plus `days`, or null for anything else. */
function localDayStart(value: string, days = 0): number | null {
  const m = DATE.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d + days);
  // new Date rolls 2025-02-31 over into March; refuse it instead of silently moving the range.
  if (days === 0 && (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d))
    return null;
  return date.getTime();
}

/**
 * The filter form to the server's filter. Dates are whole local days and both ends are included,
 * which is how an agent reads "from 3 Nov to 5 Nov"; the server's `to` is exclusive, hence the +1 day.
 */
export function toQuery(f: HistoryFilters): FilterResult {
  const query: HistoryQuery = {};
  if (f.staffId) query.staffId = f.staffId;
  if (f.direction && (DIRECTIONS as readonly string[]).includes(f.direction)) query.direction = f.direction;
  if (f.outcome && (END_REASONS as readonly string[]).includes(f.outcome)) query.outcome = f.outcome;
  if (f.quality && (QUALITY_MARKS as readonly string[]).includes(f.quality)) query.quality = f.quality;
  if (f.dispositionId) query.dispositionId = f.dispositionId;
  if (f.fromDate) {
    const from = localDayStart(f.fromDate);
    if (from === null) return { ok: false, error: 'the start date is not a date' };
    query.from = Math.max(0, from);
  }
  if (f.toDate) {
    if (localDayStart(f.toDate) === null) return { ok: false, error: 'the end date is not a date' };
    query.to = Math.max(0, localDayStart(f.toDate, 1)!);
  }
  if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
    return { ok: false, error: 'the start date is after the end date' };
  }
  return { ok: true, query };
}

/** A file name that says what is in it: switchboard-history-2025-11-03-to-2025-11-05.csv. */
export function csvFileName(f: HistoryFilters): string {
  const range = [f.fromDate || 'start', f.toDate || 'now'].join('-to-');
  return f.fromDate || f.toDate ? `switchboard-history-${range}.csv` : 'switchboard-history.csv';
}
