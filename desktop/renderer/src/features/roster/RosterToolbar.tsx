import { useMemo } from 'react';
import type { StaffEntry } from '#shared';
import type { RosterSearch } from './useRosterSearch';

/** The roster's title and counts, the search box, and Add staff (for admins). */
export function RosterToolbar({
  staff,
  search,
  onCall,
  onAdd,
}: {
  staff: StaffEntry[];
  search: RosterSearch;
  /** Ring all of one staff member's phones. */
  onCall: (staffId: string) => void;
  /** Absent for an agent, who may not add staff. */
  onAdd?: () => void;
}) {
  const phones = useMemo(() => staff.reduce((n, s) => n + s.devices.length, 0), [staff]);
  const { query, setQuery, shown } = search;
  return (
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
            const only = shown.length === 1 ? shown[0]! : null;
            if (e.key === 'Enter' && only && only.devices.length > 0) onCall(only.id);
            // Down from the search box goes into the list, to pick a row and press Enter.
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              document.querySelector<HTMLElement>('.roster-scroll li[tabindex="0"]')?.focus();
            }
          }}
        />
      </div>
      {onAdd && (
        <button type="button" className="btn btn-primary" onClick={onAdd}>
          Add staff
        </button>
      )}
    </div>
  );
}
