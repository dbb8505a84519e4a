import { useCallback, useState } from 'react';
import { useConsole, useStaff } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { useCallActions } from '../call';
import { useMayRequest } from '../signin';
import { dialogFor, type RosterDialog } from './dialogs';
import { RosterContent } from './RosterContent';
import { RosterDialogs } from './RosterDialogs';
import type { RowAction } from './RosterRow';
import { RosterToolbar } from './RosterToolbar';
import { useRosterSearch } from './useRosterSearch';
import './roster.css';

/** Staff and their phones: search, call, pair, add, rename, remove. */
export function RosterScreen() {
  const staff = useStaff();
  const loaded = useConsole((s) => s.rosterLoaded);
  const search = useRosterSearch(staff);
  const [dialog, setDialog] = useState<RosterDialog>(null);
  const { place } = useCallActions();
  // Agents see the roster and call; adding, pairing, renaming and removing are an admin's.
  const add = useMayRequest('staff:create') ? () => setDialog({ kind: 'add' }) : undefined;

  // Stable, so the virtual list's memoized rows do not all render again on each keystroke.
  const onAction = useCallback(
    (action: RowAction) => {
      if (action.type === 'call') void place(action.target);
      else setDialog(dialogFor(action, consoleStore.getState().staff));
    },
    [place],
  );

  return (
    <section className="roster" aria-labelledby="roster-title">
      <RosterToolbar
        staff={staff}
        search={search}
        onCall={(staffId) => void place({ staffId })}
        onAdd={add}
      />
      <RosterContent
        loaded={loaded}
        empty={staff.length === 0}
        search={search}
        onAction={onAction}
        onAdd={add}
      />
      <RosterDialogs dialog={dialog} onChange={setDialog} />
    </section>
  );
}
