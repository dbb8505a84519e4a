import { describe, expect, it } from 'vitest';
import { buildNames } from '../../store/names';
import { callChanged, callIncoming } from '../../store/reducers';
import { type ConsoleState, initialState } from '../../store/store';
import { newCall, play } from '../../test/calls';
import { consoleSnapshot } from './snapshot';

const session = {
  token: 't'.repeat(20),
  agentId: 'agent-1',
  name: 'Dana',
  role: 'admin' as const,
  expiresAt: Date.now() + 60_000,
};
const names = buildNames([{ id: 'staff-ana', name: 'Ana', handle: null, devices: [] }]);
const apply = (s: ConsoleState, patch: Partial<ConsoleState>): ConsoleState => ({ ...s, ...patch });

describe('what the console tells the desktop app', () => {
  it('is "signed out" with nothing else before sign-in', () => {
    expect(consoleSnapshot(initialState(null), names)).toEqual({
      agent: null,
      connection: 'signed-out',
      call: null,
      ringing: [],
      missed: [],
    });
  });

  it('lists an inbound call ringing here by the caller’s name, then as missed when the caller gives up', () => {
    let s = apply(initialState(session), { connection: { status: 'connected', error: null, since: 0 } });
    const offered = newCall('inbound', ['dev-ana'], null);
    s = apply(s, callIncoming(s, offered));
    expect(consoleSnapshot(s, names)).toMatchObject({
      agent: 'Dana',
      connection: 'connected',
      ringing: [{ callId: offered.id, caller: 'Ana' }],
      missed: [],
    });
    const gaveUp = play(offered, [[3_000, { type: 'hangup', deviceId: 'dev-ana' }, 'device']]);
    s = apply(s, callChanged(s, gaveUp));
    expect(gaveUp.endReason).toBe('cancelled');
    expect(consoleSnapshot(s, names)).toMatchObject({
      ringing: [],
      missed: [{ callId: offered.id, caller: 'Ana', at: gaveUp.endedAt }],
    });
  });

  it('does not count a call another agent took as missed', () => {
    let s = initialState(session);
    const offered = newCall('inbound', ['dev-ana'], null);
    s = apply(s, callIncoming(s, offered));
    const taken = play(offered, [[1_000, { type: 'accepted', agentId: 'agent-2' }, 'agent']]);
    s = apply(s, callChanged(s, taken));
    expect(consoleSnapshot(s, names)).toMatchObject({ ringing: [], missed: [] });
  });

  it("gives the agent's own live call, muted or not", () => {
    let s = initialState(session);
    const live = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [500, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [1_500, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [1_600, { type: 'connected' }, 'device'],
      [2_000, { type: 'mute', on: true }, 'agent'],
    ]);
    s = apply(s, callChanged(s, live));
    expect(consoleSnapshot(s, names).call).toEqual({
      callId: live.id,
      peer: 'Ana',
      state: 'active',
      muted: true,
    });
  });
});
