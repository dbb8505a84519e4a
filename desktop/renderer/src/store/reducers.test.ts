import { describe, expect, it } from 'vitest';
import type { StaffEntry } from '#shared';
import { newCall, play } from '../test/calls';
import {
  callChanged,
  callIncoming,
  dismissCall,
  reconnected,
  rosterChanged,
  rosterSnapshot,
} from './reducers';
import { type ConsoleState, initialState } from './store';

const session = {
  token: 't'.repeat(20),
  agentId: 'agent-1',
  name: 'demo',
  role: 'admin' as const,
  expiresAt: Date.now() + 60_000,
};
const apply = (s: ConsoleState, patch: Partial<ConsoleState>): ConsoleState => ({ ...s, ...patch });
const person = (id: string, name: string): StaffEntry => ({ id, name, handle: null, devices: [] });

describe('the console store', () => {
  it('keeps the roster sorted by name through snapshots, changes and removals', () => {
    let s = initialState(session);
    s = apply(s, rosterSnapshot(s, [person('b', 'Ben'), person('a', 'Ana')]));
    expect(s.rosterLoaded).toBe(true);
    s = apply(s, rosterChanged(s, [person('c', 'Aaron'), person('b', 'Ben Renamed')], ['a']));
    expect(s.staff.map((e) => e.name)).toEqual(['Aaron', 'Ben Renamed']);
  });

  it('turns an offered inbound call into "taken" when another agent accepts it', () => {
    let s = initialState(session);
    const ringing = newCall('inbound', ['dev-ana'], null);
    s = apply(s, callIncoming(s, ringing));
    expect(s.offers[ringing.id]).toEqual({ call: ringing, taken: false });
    const taken = play(ringing, [[800, { type: 'accepted', agentId: 'agent-2' }, 'agent']]);
    s = apply(s, callChanged(s, taken));
    expect(s.offers[ringing.id]?.taken).toBe(true);
    expect(s.calls[ringing.id]).toBeUndefined();
  });

  it('stops ringing for an offer this agent declined while it rings on for the others', () => {
    let s = initialState(session);
    const ringing = newCall('inbound', ['dev-ana'], null);
    s = apply(s, callIncoming(s, ringing));
    const declinedHere = play(ringing, [
      [500, { type: 'declined', agentId: 'agent-1', everyoneDeclined: false }, 'agent'],
    ]);
    expect(declinedHere.state).toBe('ringing');
    s = apply(s, callChanged(s, declinedHere));
    expect(s.offers[ringing.id]).toBeUndefined();
    // Declined by someone else: it still rings here.
    s = apply(s, callIncoming(s, ringing));
    const declinedThere = play(ringing, [
      [500, { type: 'declined', agentId: 'agent-2', everyoneDeclined: false }, 'agent'],
    ]);
    s = apply(s, callChanged(s, declinedThere));
    expect(s.offers[ringing.id]).toEqual({ call: declinedThere, taken: false });
  });

  it('moves an offer this agent accepted into the call panel', () => {
    let s = initialState(session);
    const ringing = newCall('inbound', ['dev-ana'], null);
    s = apply(s, callIncoming(s, ringing));
    const mine = play(ringing, [[800, { type: 'accepted', agentId: 'agent-1' }, 'agent']]);
    s = apply(s, callChanged(s, mine));
    expect(s.offers[ringing.id]).toBeUndefined();
    expect(s.focusedCallId).toBe(ringing.id);
  });

  it('ignores other agents’ calls it was never offered', () => {
    const s = initialState(session);
    expect(callChanged(s, newCall('outbound', ['dev-ana'], 'agent-2'))).toEqual({});
  });

  it('keeps a live call in the panel while an older ended one updates, and closes ended calls', () => {
    let s = initialState(session);
    const live = newCall('outbound', ['dev-ana'], 'agent-1');
    const old = {
      ...play(newCall('outbound', ['dev-ana'], 'agent-1'), [[10, { type: 'timeout' }, 'server']]),
      id: 'e3b0c442-98fc-4c14-9afb-f4c8996fb924',
    };
    s = apply(s, callChanged(s, live));
    s = apply(s, callChanged(s, old));
    expect(s.focusedCallId).toBe(live.id);
    s = apply(s, dismissCall(s, old.id));
    expect(Object.keys(s.calls)).toEqual([live.id]);
  });

  it('forgets offers on reconnect (the server offers again what is still ringing)', () => {
    let s = initialState(session);
    s = apply(s, callIncoming(s, newCall('inbound', ['dev-ana'], null)));
    s = apply(s, reconnected(s));
    expect(s.offers).toEqual({});
  });
});
