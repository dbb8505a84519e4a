import { useMemo, useRef, useState } from 'react';
import { HEALTH_STATES, HEALTH_TEAM_DAYS, type HealthState, ringRate, seconds } from '#shared';
import { formatAge } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useConsole, useStaff } from '../../store/hooks';
import { ExportCsv } from '../../ui/ExportCsv';
import { type Column, Table } from '../../ui/Table';
import { TeamChart } from './charts';
import { PhoneHealthDialog } from './PhoneHealthDialog';
import {
  filterHealthRows,
  type HealthFilters,
  type HealthRow,
  healthRows,
  NO_HEALTH_FILTERS,
  stateCounts,
} from './rows';
import { lastDays, teamPoints } from './series';
import { useTeamDays } from './useTeamDays';
import { STATE_WORDS } from './words';
import './health.css';

/**
 * The Health screen (issue 25 item 5): every phone, worst first, with filters; the team's ring rate
 * and p95 push→ring latency per day for 30 days; the list exported as CSV.
 */
export function HealthScreen() {
  const staff = useStaff();
  const records = useConsole((s) => s.records);
  const loaded = useConsole((s) => s.recordsLoaded && s.rosterLoaded);
  const apnsConfigured = useConsole((s) => s.apns?.configured ?? true);
  const now = useNow(60_000);
  const [filters, setFilters] = useState<HealthFilters>(NO_HEALTH_FILTERS);
  const [open, setOpen] = useState<string | null>(null);
  const root = useRef<HTMLElement>(null);
  const team = useTeamDays(root);
  const all = useMemo(
    () => healthRows(staff, records, now, apnsConfigured),
    [staff, records, now, apnsConfigured],
  );
  const rows = filterHealthRows(all, filters);
  const counts = stateCounts(all);
  const opened = all.find((r) => r.device.id === open) ?? null;
  const csvQuery = filters.state === 'all' ? {} : { state: filters.state };

  return (
    <section className="health" ref={root} aria-labelledby="health-title">
      <header className="health-head">
        <h1 id="health-title">Phone health</h1>
        <div className="health-actions">
          <ExportCsv
            route="GET /api/health.csv"
            args={{ query: csvQuery }}
            fileName="switchboard-phone-health.csv"
          />
        </div>
      </header>
      <div className="health-body">
        <section aria-label="The team" className="health-team">
          <h2>The team, last {HEALTH_TEAM_DAYS} days</h2>
          {team.error ? (
            <p className="export-msg is-error">{team.error}</p>
          ) : (
            <TeamChart days={teamPoints(lastDays(team.days, now, HEALTH_TEAM_DAYS))} />
          )}
        </section>
        <HealthFilterBar filters={filters} counts={counts} onChange={setFilters} />
        <PhoneTable
          rows={rows}
          loaded={loaded}
          filtered={filters !== NO_HEALTH_FILTERS}
          now={now}
          onOpen={setOpen}
        />
      </div>
      {opened && (
        <PhoneHealthDialog
          device={opened.device}
          staffName={opened.staff.name}
          onClose={() => setOpen(null)}
        />
      )}
    </section>
  );
}

function HealthFilterBar({
  filters,
  counts,
  onChange,
}: {
  filters: HealthFilters;
  counts: Partial<Record<HealthState, number>>;
  onChange: (next: HealthFilters) => void;
}) {
  return (
    <div className="health-filters">
      <label>
        Mark{' '}
        <select
          className="input"
          value={filters.state}
          onChange={(e) => onChange({ ...filters, state: e.target.value as HealthFilters['state'] })}
        >
          <option value="all">Every mark</option>
          {HEALTH_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_WORDS[s]} ({counts[s] ?? 0})
            </option>
          ))}
        </select>
      </label>
      <label className="health-problems">
        <input
          type="checkbox"
          checked={filters.problems}
          onChange={(e) => onChange({ ...filters, problems: e.target.checked })}
        />{' '}
        Only phones with a problem
      </label>
      <input
        className="input"
        type="search"
        aria-label="Search staff or phone"
        placeholder="Search staff or phone"
        value={filters.query}
        onChange={(e) => onChange({ ...filters, query: e.target.value })}
      />
    </div>
  );
}

function PhoneTable({
  rows,
  loaded,
  filtered,
  now,
  onOpen,
}: {
  rows: HealthRow[];
  loaded: boolean;
  filtered: boolean;
  now: number;
  onOpen: (deviceId: string) => void;
}) {
  const columns: Column<HealthRow>[] = [
    {
      key: 'phone',
      header: 'Phone',
      rowHeader: true,
      className: 'health-phone',
      cell: (r) => (
        <>
          <button type="button" className="health-open" onClick={() => onOpen(r.device.id)}>
            {r.device.name}
          </button>
          <span className="muted health-staff">{r.staff.name}</span>
        </>
      ),
    },
    {
      key: 'mark',
      header: 'Mark',
      className: 'nowrap',
      cell: (r) => <span className={`badge badge-${r.mark.tone}`}>{r.mark.label}</span>,
    },
    { key: 'fix', header: 'What to do', className: 'health-fix', cell: (r) => r.mark.fix },
    {
      key: 'rate',
      header: 'Rang, 7 days',
      className: 'nowrap num',
      cell: (r) => {
        const w = r.record?.week;
        const rate = w ? ringRate(w) : null;
        return rate === null || !w ? '—' : `${w.rang} of ${w.rang + w.notRung} (${Math.round(rate * 100)} %)`;
      },
    },
    {
      key: 'p95',
      header: '95 % within',
      className: 'nowrap num',
      cell: (r) => (r.record?.week.p95Ms != null ? seconds(r.record.week.p95Ms) : '—'),
    },
    {
      key: 'last',
      header: 'Last ring',
      className: 'nowrap',
      cell: (r) => (r.record?.lastRangAt ? formatAge(now - r.record.lastRangAt) : 'none'),
    },
  ];
  return (
    <Table
      caption="Phones, worst first"
      columns={columns}
      rows={rows}
      rowKey={(r) => r.device.id}
      rowProps={(r) => ({ 'data-health-device-id': r.device.id, 'data-state': r.mark.state })}
      loading={!loaded}
      empty={
        filtered ? 'No phone matches these filters.' : 'No phone is paired yet: pair one from the Roster.'
      }
    />
  );
}
