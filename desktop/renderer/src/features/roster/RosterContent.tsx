import { EmptyState } from '../../ui/EmptyState';
import { RosterList } from './RosterList';
import type { RowAction } from './RosterRow';
import type { RosterSearch } from './useRosterSearch';

/**
 * The list, or what stands in its place: the roster still loading, nobody on it yet (and who can
 * change that), or nobody matching the search.
 */
export function RosterContent({
  loaded,
  empty,
  search,
  onAction,
  onAdd,
}: {
  loaded: boolean;
  /** No staff at all, whatever the search. */
  empty: boolean;
  search: RosterSearch;
  onAction: (action: RowAction) => void;
  /** Absent for an agent, who may not add staff. */
  onAdd?: () => void;
}) {
  if (!loaded) return <EmptyState className="roster-empty">Loading the roster…</EmptyState>;
  if (empty) {
    return (
      <EmptyState
        className="roster-empty"
        action={
          onAdd && (
            <button type="button" className="btn btn-primary" onClick={onAdd}>
              Add your first staff member
            </button>
          )
        }
      >
        <strong>No staff yet.</strong>{' '}
        {onAdd
          ? 'Add a staff member, then pair their phone.'
          : 'An admin of your team adds staff and pairs their phones.'}
      </EmptyState>
    );
  }
  if (search.rows.length === 0) {
    return (
      <EmptyState
        className="roster-empty"
        action={
          <button type="button" className="btn" onClick={() => search.setQuery('')}>
            Clear search
          </button>
        }
      >
        Nobody matches “{search.deferred}”. Search looks at names, numbers and phone names.
      </EmptyState>
    );
  }
  return <RosterList rows={search.rows} onAction={onAction} />;
}
