import { useRef, useState } from 'react';
import { type Call, callDurationInWords } from '#shared';
import { useApi } from '../../api/context';
import { formatWhen } from '../../lib/time';
import { useOnShown } from '../../lib/useOnShown';
import { useConsole, useStaff } from '../../store/hooks';
import { type Names, useNames } from '../../store/names';
import { CallDetails } from './CallDetails';
import { ExportButton } from './ExportButton';
import { type HistoryFilters, NO_FILTERS, toQuery } from './filters';
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
          <ExportButton filters={filters} query={query} />
        </div>
      </header>
      <HistoryFilterBar
        filters={filters}
        staff={staff}
        error={parsed.ok ? null : parsed.error}
        onChange={(next) => {
          setFilters(next);
          setOpenId(null);
        }}
      />
      <div className={open ? 'hist-body hist-body-split' : 'hist-body'}>
        <div className="hist-list">
          <CallTable
            // Rows of the last valid filters would not answer the ones on screen; the error says why.
            calls={query ? history.calls : []}
            names={names}
            openId={openId}
            busy={history.status === 'loading'}
            onOpen={(id) => setOpenId((current) => (current === id ? null : id))}
          />
          {query && (
            <ListFooter history={history} filtered={JSON.stringify(filters) !== JSON.stringify(NO_FILTERS)} />
          )}
        </div>
        {open && (
          <CallDetails
            id="hist-call-details"
            call={open}
            staffName={staffLabel(names, open.staffId)}
            names={names}
            agentId={agentId}
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
  busy: boolean;
  onOpen(id: string): void;
}

function CallTable({ calls, names, openId, busy, onOpen }: TableProps) {
  if (calls.length === 0) return null;
  return (
    <table className="hist-table" aria-busy={busy}>
      <caption className="visually-hidden">
        Calls, newest first. Choose a call's time to see its timeline.
      </caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Direction</th>
          <th scope="col">Staff</th>
          <th scope="col">Outcome</th>
          <th scope="col">Duration</th>
        </tr>
      </thead>
      <tbody>
        {calls.map((call) => {
          const isOpen = call.id === openId;
          const outcome = call.endReason ?? 'live';
          return (
            <tr key={call.id} className={isOpen ? 'is-open' : undefined}>
              <td>
                <button
                  type="button"
                  className="hist-open"
                  aria-expanded={isOpen}
                  aria-controls={isOpen ? 'hist-call-details' : undefined}
                  onClick={() => onOpen(call.id)}
                >
                  <time dateTime={new Date(call.createdAt).toISOString()}>{formatWhen(call.createdAt)}</time>
                </button>
              </td>
              <td className="hist-dir">
                <span aria-hidden="true" className="hist-dir-glyph">
                  {call.direction === 'outbound' ? '↗' : '↙'}
                </span>
                {call.direction === 'outbound' ? 'Outbound' : 'Inbound'}
              </td>
              <td>{staffLabel(names, call.staffId)}</td>
              <td>
                <span className={`hist-outcome hist-outcome-${outcome}`}>{outcomeText(call, names)}</span>
              </td>
              <td className="hist-num">{callDurationInWords(call)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function ListFooter({ history, filtered }: { history: ReturnType<typeof useHistory>; filtered: boolean }) {
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
  if (history.status === 'loading' && count === 0) {
    return (
      <p className="hist-footer" role="status">
        Loading calls…
      </p>
    );
  }
  if (count === 0) {
    return (
      <p className="hist-empty" role="status">
        {filtered
          ? 'No calls match these filters. Widen the date range or clear the filters.'
          : 'No calls yet. Calls you place from the roster, and calls from phones, appear here once they start.'}
      </p>
    );
  }
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
