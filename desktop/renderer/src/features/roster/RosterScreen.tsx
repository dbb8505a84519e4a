import { useCallback, useDeferredValue, useMemo, useState } from 'react';
import type { StaffEntry } from '#shared';
import { useConsole, useStaff } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { EmptyState } from '../../ui/EmptyState';
import { useCallActions } from '../call';
import { PairDialog } from '../pairing';
import { useMayRequest } from '../signin';
import { RemoveDialog } from './RemoveDialog';
import { RosterList } from './RosterList';
import type { RowAction } from './RosterRow';
import { buildSearchIndex, filterStaff, toRows } from './rows';
import { StaffDialog } from './StaffDialog';
import { UnpairDialog } from './UnpairDialog';
import './roster.css';

type DialogState =
  | { kind: 'add' }
  | { kind: 'rename' | 'remove' | 'pair'; staff: StaffEntry }
  | { kind: 'unpair'; staff: StaffEntry; deviceId: string }
  | null;

/** Staff and their phones: search, call, pair, add, rename, remove. */
export function RosterScreen() {
  const staff = useStaff();
  const loaded = useConsole((s) => s.rosterLoaded);
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const [dialog, setDialog] = useState<DialogState>(null);
  const { place } = useCallActions();
  const manage = useMayRequest('staff:create');

  const index = useMemo(() => buildSearchIndex(staff), [staff]);
  const shown = useMemo(() => filterStaff(index, deferred), [index, deferred]);
  const rows = useMemo(() => toRows(shown), [shown]);
  const phones = useMemo(() => staff.reduce((n, s) => n + s.devices.length, 0), [staff]);

  const onAction = useCallback(
    (a: RowAction) => {
      if (a.type === 'call') {
        void place(a.target);
        return;
      }
      const entry = consoleStore.getState().staff.find((s) => s.id === a.staffId);
      if (!entry) return;
      setDialog(
        a.type === 'unpair'
          ? { kind: 'unpair', staff: entry, deviceId: a.deviceId }
          : { kind: a.type, staff: entry },
      );
    },
    [place],
  );
  const highlightDevice = useConsole((s) => s.highlightDevice);
  const onPaired = useCallback(
    (deviceId: string) => {
      setDialog(null);
      highlightDevice(deviceId);
    },
    [highlightDevice],
  );

  return (
    <section className="roster" aria-labelledby="roster-title">
      <div className="roster-toolbar">
        <h1 id="roster-title">Roster</h1>
        <span className="muted num roster-count">
          {staff.length} staff · {phones} phone{phones === 1 ? '' : 's'}
        </span>
        <div className="roster-search">
          <label htmlFor="roster-search" className="visually-hidden">
            Search staff by name or number
          </label>
          <input
            id="roster-search"
            className="input"
            type="search"
            placeholder="Search by name or number"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              // Enter on a search with exactly one match calls them: type a name, press Enter.
              if (e.key === 'Enter' && shown.length === 1 && shown[0]!.devices.length > 0) {
                void place({ staffId: shown[0]!.id });
              }
              // Down from the search box goes into the list, to pick a row and press Enter.
              if (e.key === 'ArrowDown') {
                e.preventDefault();
                document.querySelector<HTMLElement>('.roster-scroll li[tabindex="0"]')?.focus();
              }
            }}
          />
        </div>
        {manage && (
          <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'add' })}>
            Add staff
          </button>
        )}
      </div>

      {!loaded ? (
        <EmptyState className="roster-empty">Loading the roster…</EmptyState>
      ) : staff.length === 0 ? (
        <EmptyState
          className="roster-empty"
          action={
            manage && (
              <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'add' })}>
                Add your first staff member
              </button>
            )
          }
        >
          <strong>No staff yet.</strong>{' '}
          {manage
            ? 'Add a staff member, then pair their phone.'
            : 'An admin of your team adds staff and pairs their phones.'}
        </EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState
          className="roster-empty"
          action={
            <button type="button" className="btn" onClick={() => setQuery('')}>
              Clear search
            </button>
          }
        >
          Nobody matches “{deferred}”. Search looks at names, numbers and phone names.
        </EmptyState>
      ) : (
        <RosterList rows={rows} onAction={onAction} />
      )}

      {dialog?.kind === 'add' && (
        <StaffDialog
          staff={null}
          onClose={() => setDialog(null)}
          onSaved={(entry) => setDialog({ kind: 'pair', staff: entry })}
        />
      )}
      {dialog?.kind === 'rename' && <StaffDialog staff={dialog.staff} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && <RemoveDialog staff={dialog.staff} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'unpair' && (
        <UnpairDialog
          device={dialog.staff.devices.find((d) => d.id === dialog.deviceId) ?? null}
          staffName={dialog.staff.name}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog?.kind === 'pair' && (
        <PairDialog staff={dialog.staff} onClose={() => setDialog(null)} onPaired={onPaired} />
      )}
    </section>
  );
}
