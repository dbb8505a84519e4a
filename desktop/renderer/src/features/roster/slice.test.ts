import { describe, expect, it } from 'vitest';
import type { StaffEntry } from '#shared';
import { createConsoleStore } from '../../store/store';

const person = (id: string, name: string): StaffEntry => ({ id, name, handle: null, devices: [] });

describe('the roster in the store', () => {
  it('stays sorted by name through snapshots, changes and removals', () => {
    const store = createConsoleStore(() => 0);
    const { rosterSnapshot, rosterChanged } = store.getState();
    expect(store.getState().rosterLoaded).toBe(false);
    rosterSnapshot([person('b', 'Ben'), person('a', 'Ana')]);
    expect(store.getState().rosterLoaded).toBe(true);
    rosterChanged([person('c', 'Aaron'), person('b', 'Ben Renamed')], ['a']);
    expect(store.getState().staff.map((e) => e.name)).toEqual(['Aaron', 'Ben Renamed']);
  });

  it('highlights a just-paired phone from the moment it was paired', () => {
    const store = createConsoleStore(() => 1_234);
    store.getState().highlightDevice('dev-1');
    expect(store.getState().highlight).toEqual({ deviceId: 'dev-1', at: 1_234 });
  });
});
