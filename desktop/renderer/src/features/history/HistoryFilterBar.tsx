import {
  type Direction,
  type Disposition,
  type EndReason,
  QUALITY_MARKS,
  type QualityMark,
  type StaffEntry,
} from '#shared';
import { MARK_LABELS } from '../quality';
import { dispositionLabel } from '../wrapup';
import { type HistoryFilters, NO_FILTERS, OUTCOME_OPTIONS, poorAudioThisWeek } from './filters';

interface Props {
  filters: HistoryFilters;
  staff: readonly StaffEntry[];
  dispositions: readonly Disposition[];
  onChange(next: HistoryFilters): void;
  error: string | null;
}

/** Every change applies at once: the list below is the answer to exactly what these fields say. */
export function HistoryFilterBar({ filters, staff, dispositions, onChange, error }: Props) {
  const set = <K extends keyof HistoryFilters>(key: K, value: HistoryFilters[K]) =>
    onChange({ ...filters, [key]: value });
  // A removed staff member's calls stay in history; the filter must still be able to name them.
  const knownStaff = filters.staffId === '' || staff.some((s) => s.id === filters.staffId);
  const isFiltered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);

  return (
    <search className="hist-filters" aria-label="Filter calls">
      <label className="hist-field">
        <span>Staff</span>
        <select value={filters.staffId} onChange={(e) => set('staffId', e.target.value)}>
          <option value="">All staff</option>
          {staff.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
          {!knownStaff && <option value={filters.staffId}>Removed staff member</option>}
        </select>
      </label>
      <label className="hist-field">
        <span>Direction</span>
        <select
          className="hist-narrow"
          value={filters.direction}
          onChange={(e) => set('direction', e.target.value as '' | Direction)}
        >
          <option value="">Both</option>
          <option value="outbound">Outbound</option>
          <option value="inbound">Inbound</option>
        </select>
      </label>
      <label className="hist-field">
        <span>Outcome</span>
        <select value={filters.outcome} onChange={(e) => set('outcome', e.target.value as '' | EndReason)}>
          <option value="">Any</option>
          {OUTCOME_OPTIONS.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <label className="hist-field">
        <span>Audio</span>
        <select
          className="hist-narrow"
          value={filters.quality}
          onChange={(e) => set('quality', e.target.value as '' | QualityMark)}
        >
          <option value="">Any</option>
          {QUALITY_MARKS.map((m) => (
            <option key={m} value={m}>
              {MARK_LABELS[m]}
            </option>
          ))}
        </select>
      </label>
      <label className="hist-field">
        <span>Disposition</span>
        <select value={filters.dispositionId} onChange={(e) => set('dispositionId', e.target.value)}>
          <option value="">Any</option>
          {dispositions.map((d) => (
            <option key={d.id} value={d.id}>
              {dispositionLabel(d)}
            </option>
          ))}
        </select>
      </label>
      <label className="hist-field">
        <span>From</span>
        <input
          type="date"
          value={filters.fromDate}
          max={filters.toDate || undefined}
          aria-invalid={error !== null && filters.fromDate !== ''}
          aria-describedby={error ? 'hist-filter-error' : undefined}
          onChange={(e) => set('fromDate', e.target.value)}
        />
      </label>
      <label className="hist-field">
        <span>To</span>
        <input
          type="date"
          value={filters.toDate}
          min={filters.fromDate || undefined}
          aria-invalid={error !== null && filters.toDate !== ''}
          aria-describedby={error ? 'hist-filter-error' : undefined}
          onChange={(e) => set('toDate', e.target.value)}
        />
      </label>
      <button type="button" className="btn" onClick={() => onChange(poorAudioThisWeek(Date.now()))}>
        Poor audio this week
      </button>
      <button
        type="button"
        className="btn btn-quiet"
        disabled={!isFiltered}
        onClick={() => onChange(NO_FILTERS)}
      >
        Clear filters
      </button>
      {error && (
        <p id="hist-filter-error" className="hist-filter-error" role="alert">
          {error}
        </p>
      )}
    </search>
  );
}
