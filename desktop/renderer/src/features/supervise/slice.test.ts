import { describe, expect, it } from 'vitest';
import type { Supervision, SupervisionEndReason } from '#shared';
import { createConsoleStore } from '../../store/store';
import { session as makeSession } from '../../test/calls';
import { mySupervision, supervisionOfMyCall } from './slice';

const CALL = '6f1c1a52-8b7e-4d3a-9a51-1f1f1f1f1f1f';
const supervision = (over: Partial<Supervision> = {}): Supervision => ({
  callId: CALL,
  agentId: 'agent-2',
  supervisorId: 'boss',
  supervisorName: 'Boss',
  mode: 'listen',
  since: 1,
  ...over,
});
const ended = (reason: SupervisionEndReason) => ({
  callId: CALL,
  supervision: null,
  ended: { supervisorId: 'boss', supervisorName: 'Boss', reason },
});

function signedIn(me: string) {
  const store = createConsoleStore(() => 0);
  store.getState().signedIn(makeSession());
  return { s: () => store.getState(), me };
}

describe('the supervisions a console holds', () => {
  it('the supervisor’s: its mode follows the server, and an end it did not choose leaves a notice', () => {
    const { s, me } = signedIn('boss');
    s().supervisionChanged({ callId: CALL, supervision: supervision() }, me);
    s().supervisionChanged({ callId: CALL, supervision: supervision({ mode: 'barge' }) }, me);
    expect(mySupervision(s(), me)?.mode).toBe('barge');
    s().supervisionChanged(ended('callEnded'), me);
    expect(mySupervision(s(), me)).toBeNull();
    expect(s().supervisionEnded).toMatchObject({ callId: CALL, reason: 'callEnded' });
    s().supervisionNoticeDismissed();
    // Stopping is the supervisor's own doing: nothing to tell them.
    s().supervisionChanged({ callId: CALL, supervision: supervision() }, me);
    s().supervisionChanged(ended('stopped'), me);
    expect(s().supervisionEnded).toBeNull();
  });

  it('the agent’s: whose call is supervised, no notice of the supervisor’s end, and none kept over a reconnect', () => {
    const { s, me } = signedIn('agent-2');
    s().supervisionChanged({ callId: CALL, supervision: supervision() }, me);
    expect(supervisionOfMyCall(s(), CALL, me)?.supervisorName).toBe('Boss');
    expect(mySupervision(s(), me)).toBeNull();
    s().supervisionsReconnected();
    expect(supervisionOfMyCall(s(), CALL, me)).toBeNull();
    s().supervisionChanged({ callId: CALL, supervision: supervision() }, me);
    s().supervisionChanged(ended('supervisorLeft'), me);
    expect(supervisionOfMyCall(s(), CALL, me)).toBeNull();
    expect(s().supervisionEnded).toBeNull();
  });
});
