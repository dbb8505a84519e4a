import { describe, expect, it } from 'vitest';
import { buildNames } from '../../store/names';
import { createConsoleStore } from '../../store/store';
import { session as makeSession, newCall, play } from '../../test/calls';
import { consoleSnapshot } from './snapshot';

const session = makeSession('Dana');
const names = buildNames([{ id: 'staff-ana', name: 'Ana', handle: null, devices: [] }]);

/** The console's real store, signed in (or not) and driven by its actions. */
function agentConsole(signedIn = true) {
  const store = createConsoleStore(() => 0);
  if (signedIn) store.getState().signedIn(session);
  return { ...store.getState(), snapshot: () => consoleSnapshot(store.getState(), names, 'page-1') };
}

describe('what the console tells the desktop app', () => {
  it('is "signed out" with nothing else before sign-in', () => {
    expect(agentConsole(false).snapshot()).toEqual({
      agent: null,
      connection: 'signed-out',
      call: null,
      ringing: [],
      rings: true,
      missed: [],
    });
  });

  it('says whether this page is the softphone (until the server says, every page is)', () => {
    const s = agentConsole();
    expect(s.snapshot().rings).toBe(true);
    s.softphoneChanged({ consoleId: 'page-2', label: 'Chrome on Linux', autoAnswer: false });
    expect(s.snapshot().rings).toBe(false);
    s.softphoneChanged({ consoleId: 'page-1', label: 'Desktop app', autoAnswer: false });
    expect(s.snapshot().rings).toBe(true);
  });

  it('lists an inbound call ringing here by the caller’s name, then as missed when the caller gives up', () => {
    const s = agentConsole();
    s.connectionChanged('connected');
    const offered = newCall('inbound', ['dev-ana'], null);
    s.callIncoming(offered);
    expect(s.snapshot()).toMatchObject({
      agent: 'Dana',
      connection: 'connected',
      ringing: [{ callId: offered.id, caller: 'Ana' }],
      missed: [],
    });
    const gaveUp = play(offered, [[3_000, { type: 'hangup', deviceId: 'dev-ana' }, 'device']]);
    s.callChanged(gaveUp);
    expect(gaveUp.endReason).toBe('cancelled');
    expect(s.snapshot()).toMatchObject({
      ringing: [],
      missed: [{ callId: offered.id, caller: 'Ana', at: gaveUp.endedAt }],
    });
  });

  it('does not count a call another agent took as missed', () => {
    const s = agentConsole();
    const offered = newCall('inbound', ['dev-ana'], null);
    s.callIncoming(offered);
    s.callChanged(play(offered, [[1_000, { type: 'accepted', agentId: 'agent-2' }, 'agent']]));
    expect(s.snapshot()).toMatchObject({ ringing: [], missed: [] });
  });

  it("gives the agent's own live call, muted or not", () => {
    const s = agentConsole();
    const live = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [500, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [1_500, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [1_600, { type: 'connected' }, 'device'],
      [2_000, { type: 'mute', on: true }, 'agent'],
    ]);
    s.callChanged(live);
    expect(s.snapshot().call).toEqual({
      callId: live.id,
      peer: 'Ana',
      state: 'active',
      muted: true,
    });
  });
  it("gives an admin's health alerts as notifications say them, and an agent's none", () => {
    const s = agentConsole();
    const alert = {
      deviceId: 'dev-ana',
      staffId: 'staff-ana',
      phone: 'iPhone',
      staff: 'Ana',
      state: 'notRinging' as const,
      label: 'Not ringing',
      fix: 'Pushes are accepted but the phone has not rung for its last 3 calls',
      at: 7,
    };
    s.healthAlerted(alert);
    expect(s.snapshot().healthAlerts).toEqual([
      { deviceId: 'dev-ana', at: 7, title: 'Ana’s iPhone: Not ringing', body: alert.fix },
    ]);
    s.meChanged({ agentId: 'agent-1', name: 'Dana', role: 'agent', temporaryPassword: false });
    expect(s.snapshot().healthAlerts).toBeUndefined();
  });
});
