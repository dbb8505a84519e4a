import { useRef, useState } from 'react';
import { type Call, callDurationInWords } from '#shared';
import { useApi } from '../../api/context';
import { formatWhen } from '../../lib/time';
import { useOnShown } from '../../lib/useOnShown';
import { useConsole, useStaff } from '../../store/hooks';
import { type Names, useNames } from '../../store/names';
import { ExportCsv } from '../../ui/ExportCsv';
import { type Column, Table } from '../../ui/Table';
import { QualityBadge } from '../quality';
import { CallDetails } from './CallDetails';
import { csvFileName, type HistoryFilters, NO_FILTERS, toQuery } from './filters';
import { outcomeText } from './format';
import { HistoryFilterBar } from './HistoryFilterBar';
import { useHistory } from './useHistory';
import './history.css';

const staffLabel = (names: Names, id: string) =>
  names.staff(id)?.name ?? `removed staff member (${id.slice(0, 8)})`;

/** Past calls: filter, page through, open one for its timeline, export what is filtered as CSV. */
export function HistoryScreen() {
  const api = useApi();
  const staff = useStaff();
  const names = useNames();
  const agentId = useConsole((s) => s.session?.agentId ?? null);
  const dispositions = useConsole((s) => s.dispositions);
  const [filters, setFilters] = useState<HistoryFilters>(NO_FILTERS);
  const [openId, setOpenId] = useState<string | null>(null);
  const parsed = toQuery(filters);
  const query = parsed.ok ? parsed.query : null;
  const history = useHistory(api, query);
  const open = history.calls.find((c) => c.id === openId) ?? null;
  const root = useRef<HTMLElement>(null);
  useOnShown(root, history.reload);

  return (
    <section className="hist" ref={root} aria-labelledby="hist-title">
      <header className="hist-head">
        <h1 id="hist-title">History</h1>
        <div className="hist-actions">
          <button type="button" className="btn" onClick={history.reload} disabled={query === null}>
            Refresh
          </button>
          <ExportCsv route="GET /api/history.csv" args={query && { query }} fileName={csvFileName(filters)} />
        </div>
      </header>
      <HistoryFilterBar
        filters={filters}
        staff={staff}
        dispositions={dispositions}
        error={parsed.ok ? null : parsed.error}
        onChange={(next) => {
          setFilters(next);
          setOpenId(null);
        }}
      />
      <div className={open ? 'hist-body hist-body-split' : 'hist-body'}>
        <CallTable
          // Rows of the last valid filters would not answer the ones on screen; the error says why.
          calls={query ? history.calls : []}
          names={names}
          openId={openId}
          history={history}
          filtered={JSON.stringify(filters) !== JSON.stringify(NO_FILTERS)}
          valid={query !== null}
          onOpen={(id) => setOpenId((current) => (current === id ? null : id))}
        />
        {open && (
          <CallDetails
            id="hist-call-details"
            call={open}
            staffName={staffLabel(names, open.staffId)}
            names={names}
            agentId={agentId}
            quality={history.quality[open.id]}
            onClose={() => setOpenId(null)}
          />
        )}
      </div>
    </section>
  );
}

interface TableProps {
  calls: readonly Call[];
  names: Names;
  openId: string | null;
  history: ReturnType<typeof useHistory>;
  filtered: boolean;
  /** False while the filters on screen are not a query (the filter bar says why). */
  valid: boolean;
  onOpen(id: string): void;
}

function CallTable({ calls, names, openId, history, filtered, valid, onOpen }: TableProps) {
  const columns: Column<Call>[] = [
    {
      key: 'when',
      header: 'When',
      cell: (call) => (
        <button
          type="button"
          className="hist-open"
          aria-expanded={call.id === openId}
          aria-controls={call.id === openId ? 'hist-call-details' : undefined}
          onClick={() => onOpen(call.id)}
        >
          <time dateTime={new Date(call.createdAt).toISOString()}>{formatWhen(call.createdAt)}</time>
        </button>
      ),
    },
    {
      key: 'direction',
      header: 'Direction',
      className: 'nowrap',
      cell: (call) => (
        <>
          <span aria-hidden="true" className="hist-dir-glyph">
            {call.direction === 'outbound' ? '↗' : '↙'}
          </span>
          {call.direction === 'outbound' ? 'Outbound' : 'Inbound'}
        </>
      ),
    },
    { key: 'staff', header: 'Staff', cell: (call) => staffLabel(names, call.staffId) },
    {
      key: 'outcome',
      header: 'Outcome',
      cell: (call) => (
        <span className={`hist-outcome hist-outcome-${call.endReason ?? 'live'}`}>
          {outcomeText(call, names)}
        </span>
      ),
    },
    {
      key: 'disposition',
      header: 'Disposition',
      cell: (call) => call.wrapUp?.dispositionName ?? <span className="muted">—</span>,
    },
    { key: 'duration', header: 'Duration', className: 'num nowrap', cell: callDurationInWords },
    {
      key: 'audio',
      header: 'Audio',
      className: 'nowrap',
      cell: (call) => <QualityBadge quality={history.quality[call.id]} />,
    },
  ];
  const empty = filtered
    ? 'No calls match these filters. Widen the date range or clear the filters.'
    : 'No calls yet. Calls you place from the roster, and calls from phones, appear here once they start.';
  return (
    <Table
      className="hist-list"
      caption="Calls, newest first. Choose a call's time to see its timeline."
      columns={columns}
      rows={calls}
      rowKey={(call) => call.id}
      rowProps={(call) => ({ className: call.id === openId ? 'is-open' : undefined })}
      loading={valid && history.status === 'loading'}
      loadingText="Loading calls…"
      // An error says itself in the footer, with a retry.
      empty={valid && history.status !== 'error' && empty}
      footer={valid && <ListFooter history={history} />}
    />
  );
}

function ListFooter({ history }: { history: ReturnType<typeof useHistory> }) {
  const count = history.calls.length;
  if (history.status === 'error') {
    return (
      <div className="hist-footer" role="alert">
        <span>Could not load calls: {history.error}</span>
        <button type="button" className="btn" onClick={history.retry}>
          Try again
        </button>
      </div>
    );
  }
  if (count === 0) return null;
  return (
    <div className="hist-footer">
      <span role="status">
        {history.nextCursor
          ? `Showing the latest ${count} calls`
          : `All ${count} ${count === 1 ? 'call' : 'calls'}`}
      </span>
      {history.nextCursor && (
        <button type="button" className="btn" onClick={history.loadMore} disabled={history.status !== 'idle'}>
          {history.status === 'more' ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
