import { describe, expect, it } from 'vitest';
import type { CallEvent } from '#shared';
import { createConsoleStore } from '../../store/store';
import { session as makeSession, newCall, play, type Step } from '../../test/calls';
import { consultation } from './rules';

const start = (kind: 'blind' | 'warm', toAgentId: string): CallEvent => ({
  type: 'transfer',
  action: { type: 'start', kind, toAgentId, fromName: 'Alice', toName: 'Bob', ringUntil: 999_999 },
});
const step = (type: 'accept' | 'decline' | 'complete' | 'cancel'): CallEvent => ({
  type: 'transfer',
  action: { type },
});
/** Agent-1 (this console) on an answered call with Ana's phone. */
const active = () =>
  play(newCall('outbound', ['dev-ana'], 'agent-1'), [
    [100, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
    [200, { type: 'connected' }, 'device'],
  ]);
const from = (steps: Step[]) => play(active(), steps);

/** This console's real store, fed every call change as the socket feeds it. */
function signedIn() {
  const store = createConsoleStore(() => 0);
  store.getState().signedIn(makeSession());
  const s = store.getState();
  return {
    state: () => store.getState(),
    heard(call: ReturnType<typeof active>) {
      s.callChanged(call);
      s.transferSeen(call);
    },
  };
}

describe('transfers on this console', () => {
  it('the first agent: the call stays in the panel while it rings, then leaves it, said once', () => {
    const s = signedIn();
    s.heard(active());
    const ringing = from([[300, start('blind', 'agent-2'), 'agent']]);
    s.heard(ringing);
    expect(s.state().focusedCallId).toBe(ringing.id);
    expect(s.state().transferOffers).toEqual({});
    const taken = from([
      [300, start('blind', 'agent-2'), 'agent'],
      [400, step('accept'), 'agent'],
    ]);
    s.heard(taken);
    expect(s.state().calls).toEqual({});
    expect(s.state().focusedCallId).toBeNull();
    expect(s.state().handedOver[taken.id]?.agentId).toBe('agent-2');
    s.state().dismissHandedOver(taken.id);
    expect(s.state().handedOver).toEqual({});
  });

  it('the chosen agent: offered while it rings and while they consult, then the call is theirs', () => {
    const s = signedIn();
    // Another agent's call, handed to this one (agent-1).
    const theirs = play(newCall('outbound', ['dev-ana'], 'agent-2'), [
      [100, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [300, start('warm', 'agent-1'), 'agent'],
    ]);
    s.heard(theirs);
    expect(Object.keys(s.state().transferOffers)).toEqual([theirs.id]);
    expect(s.state().calls).toEqual({});
    const consulting = play(theirs, [[400, step('accept'), 'agent']]);
    s.heard(consulting);
    expect(consultation(Object.values(s.state().transferOffers), 'agent-1')?.side).toBe('answerer');
    expect(consultation([consulting], 'agent-2')?.side).toBe('offerer');
    const mine = play(consulting, [[500, step('complete'), 'agent']]);
    s.heard(mine);
    expect(s.state().transferOffers).toEqual({});
    expect(s.state().focusedCallId).toBe(mine.id);
    expect(consultation([mine], 'agent-1')).toBeNull();
  });

  it('a declined or cancelled transfer stops ringing here; a reconnect forgets offers until resent', () => {
    const s = signedIn();
    const theirs = play(newCall('outbound', ['dev-ana'], 'agent-2'), [
      [100, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [300, start('blind', 'agent-1'), 'agent'],
    ]);
    s.heard(theirs);
    s.heard(play(theirs, [[400, step('cancel'), 'agent']]));
    expect(s.state().transferOffers).toEqual({});
    s.heard(theirs);
    s.state().transfersReconnected();
    expect(s.state().transferOffers).toEqual({});
    // The call ended while it rang here.
    s.heard(theirs);
    s.heard(play(theirs, [[400, { type: 'hangup', deviceId: 'dev-ana' }, 'device']]));
    expect(s.state().transferOffers).toEqual({});
  });
});
