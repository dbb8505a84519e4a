import { describe, expect, it } from 'vitest';
import { createConsoleStore } from '../../store/store';
import { session as makeSession, newCall, play } from '../../test/calls';

const session = makeSession();

/** A signed-in console's real store, driven by the actions the socket and the screens call. */
function signedIn() {
  const store = createConsoleStore(() => 0);
  store.getState().signedIn(session);
  return { state: () => store.getState(), ...store.getState() };
}

describe('the calls on screen', () => {
  it('turns an offered inbound call into "taken" when another agent accepts it', () => {
    const s = signedIn();
    const ringing = newCall('inbound', ['dev-ana'], null);
    s.callIncoming(ringing);
    expect(s.state().offers[ringing.id]).toEqual({ call: ringing, taken: false });
    const taken = play(ringing, [[800, { type: 'accepted', agentId: 'agent-2' }, 'agent']]);
    s.callChanged(taken);
    expect(s.state().offers[ringing.id]?.taken).toBe(true);
    expect(s.state().calls[ringing.id]).toBeUndefined();
  });

  it('stops ringing for an offer this agent declined while it rings on for the others', () => {
    const s = signedIn();
    const ringing = newCall('inbound', ['dev-ana'], null);
    s.callIncoming(ringing);
    const declinedHere = play(ringing, [
      [500, { type: 'declined', agentId: 'agent-1', everyoneDeclined: false }, 'agent'],
    ]);
    expect(declinedHere.state).toBe('ringing');
    s.callChanged(declinedHere);
    expect(s.state().offers[ringing.id]).toBeUndefined();
    // Declined by someone else: it still rings here.
    s.callIncoming(ringing);
    const declinedThere = play(ringing, [
      [500, { type: 'declined', agentId: 'agent-2', everyoneDeclined: false }, 'agent'],
    ]);
    s.callChanged(declinedThere);
    expect(s.state().offers[ringing.id]).toEqual({ call: declinedThere, taken: false });
  });

  it('moves an offer this agent accepted into the call panel', () => {
    const s = signedIn();
    const ringing = newCall('inbound', ['dev-ana'], null);
    s.callIncoming(ringing);
    s.callChanged(play(ringing, [[800, { type: 'accepted', agentId: 'agent-1' }, 'agent']]));
    expect(s.state().offers[ringing.id]).toBeUndefined();
    expect(s.state().focusedCallId).toBe(ringing.id);
  });

  it('ignores other agents’ calls it was never offered', () => {
    const s = signedIn();
    s.callChanged(newCall('outbound', ['dev-ana'], 'agent-2'));
    expect(s.state()).toMatchObject({ calls: {}, offers: {}, focusedCallId: null });
  });

  it('keeps a live call in the panel while an older ended one updates, and closes ended calls', () => {
    const s = signedIn();
    const live = newCall('outbound', ['dev-ana'], 'agent-1');
    const old = {
      ...play(newCall('outbound', ['dev-ana'], 'agent-1'), [[10, { type: 'timeout' }, 'server']]),
      id: 'e3b0c442-98fc-4c14-9afb-f4c8996fb924',
    };
    s.callChanged(live);
    s.callChanged(old);
    expect(s.state().focusedCallId).toBe(live.id);
    s.dismissCall(old.id);
    expect(Object.keys(s.state().calls)).toEqual([live.id]);
  });

  it('forgets offers on reconnect (the server offers again what is still ringing)', () => {
    const s = signedIn();
    s.callIncoming(newCall('inbound', ['dev-ana'], null));
    s.reconnected();
    expect(s.state().offers).toEqual({});
  });

  it('after a reconnect, takes the server’s word on each call and closes a live one it forgot', () => {
    const s = signedIn();
    const forgotten = newCall('outbound', ['dev-ana'], 'agent-1');
    const other = {
      ...newCall('outbound', ['dev-ana'], 'agent-1'),
      id: 'e3b0c442-98fc-4c14-9afb-f4c8996fb924',
    };
    s.callChanged(forgotten);
    s.callChanged(other);
    const ended = play(other, [[10, { type: 'timeout' }, 'server']]);
    s.callsSynced([forgotten.id, other.id], [ended]);
    expect(s.state().calls).toEqual({ [other.id]: ended });
    expect(s.state().callNotice).toMatch(/no longer knows the call/);
  });

  it('clears a refusal once a call request goes through', () => {
    const s = signedIn();
    s.callRequestRefused('Cannot call: you are already in a call.');
    s.callRequestDone(newCall('outbound', ['dev-ana'], 'agent-1'));
    expect(s.state().callNotice).toBeNull();
  });

  it('starts from nothing on the next sign-in, and says why it signed out', () => {
    const s = signedIn();
    s.callChanged(newCall('outbound', ['dev-ana'], 'agent-1'));
    s.signedOut('Your session has ended.');
    expect(s.state()).toMatchObject({ session: null, calls: {}, signOutReason: 'Your session has ended.' });
    s.signedIn(session);
    expect(s.state()).toMatchObject({ session, signOutReason: null });
  });
});
