import type { StaffEntry } from '#shared';
import type { ConsoleSlice } from '../../store/store';

/** Staff and their phones as the server last said, sorted by name. */
export interface RosterData {
  /** False until the first roster snapshot after sign-in, so empty states do not flash. */
  rosterLoaded: boolean;
  staff: StaffEntry[];
  /** A device to scroll to and flash in the roster (just paired). */
  highlight: { deviceId: string; at: number } | null;
}

export interface RosterSlice extends RosterData {
  rosterSnapshot(staff: StaffEntry[]): void;
  rosterChanged(changed: StaffEntry[], removedStaffIds: string[]): void;
  highlightDevice(deviceId: string): void;
}

export const rosterData = (): RosterData => ({ rosterLoaded: false, staff: [], highlight: null });

// One collator, not String#localeCompare: with 5,000 staff the sort is most of a snapshot's cost.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const byName = (a: StaffEntry, b: StaffEntry) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);

export const createRosterSlice =
  (now: () => number): ConsoleSlice<RosterSlice> =>
  (set) => ({
    ...rosterData(),
    rosterSnapshot: (staff) => set({ staff: [...staff].sort(byName), rosterLoaded: true }),
    rosterChanged: (changed, removed) =>
      set((s) => {
        const next = new Map(s.staff.map((e) => [e.id, e]));
        for (const id of removed) next.delete(id);
        for (const entry of changed) next.set(entry.id, entry);
        return { staff: [...next.values()].sort(byName) };
      }),
    highlightDevice: (deviceId) => set({ highlight: { deviceId, at: now() } }),
  });
