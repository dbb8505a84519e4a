import { useDeferredValue, useMemo, useState } from 'react';
import type { StaffEntry } from '#shared';
import { buildSearchIndex, filterStaff, toRows } from './rows';

/**
 * The search box's query and what it finds. The list follows a deferred copy of the query, so
 * typing stays quick with 5,000 phones while the rows catch up.
 */
export function useRosterSearch(staff: StaffEntry[]) {
  const [query, setQuery] = useState('');
  const deferred = useDeferredValue(query);
  const index = useMemo(() => buildSearchIndex(staff), [staff]);
  const shown = useMemo(() => filterStaff(index, deferred), [index, deferred]);
  const rows = useMemo(() => toRows(shown), [shown]);
  return { query, setQuery, deferred, shown, rows };
}

export type RosterSearch = ReturnType<typeof useRosterSearch>;
