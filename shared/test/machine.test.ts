import { describe, expect, it } from 'vitest';
import {
  type Call,
  type CallEvent,
  cancelAccepted,
  createCall,
  type EventSource,
  recordPush,
  type TransitionResult,
  transition,
} from '#shared';

const T0 = 1_800_000_000_000;
const ID = '6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41';

function outbound(deviceIds = ['iphone', 'ipad']): Call {
  return createCall({
    id: ID,
    direction: 'outbound',
    agentId: 'alice',
    staffId: 'ana',
    deviceIds,
    handle: '+15551234567',
    callerName: 'Support · Alice',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: 'agent',
  });
}

function inbound(): Call {
  return createCall({
    id: ID,
    direction: 'inbound',
    agentId: null,
    staffId: 'ana',
    deviceIds: ['iphone'],
    handle: 'Ana',
    callerName: 'Ana',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: 'device',
  });
}

/** Applies events in order, failing the test on any refusal. */
function run(call: Call, ...steps: [CallEvent, EventSource][]): Call {
  let at = call.createdAt;
  for (const [event, source] of steps) {
    at += 100;
    const result = transition(call, event, at, source);
    if (!result.ok) throw new Error(`${event.type} refused: ${result.code} ${result.message}`);
    call = result.call;
  }
  return call;
}

const refused = (r: TransitionResult) => (r.ok ? 'ok' : r.code);

describe('call state machine', () => {
  it('starts dialing with every leg pending and a placed entry', () => {
    const call = outbound();
    expect(call.state).toBe('dialing');
    expect(call.devices.map((l) => l.state)).toEqual(['pending', 'pending']);
    expect(call.timeline).toEqual([
      { at: T0, event: 'placed', source: 'agent', actorId: 'alice', detail: null },
    ]);
  });

  it('walks the happy path to completed, recording each step', () => {
    const call = run(
      outbound(),
      [{ type: 'reported', deviceId: 'iphone' }, 'device'],
      [{ type: 'answered', deviceId: 'iphone' }, 'device'],
      [{ type: 'connected' }, 'device'],
      [{ type: 'hold', on: true }, 'agent'],
      [{ type: 'hold', on: false }, 'device'],
      [{ type: 'hangup' }, 'agent'],
    );
    expect(call.state).toBe('ended');
    expect(call.endReason).toBe('completed');
    expect(call.answeredByDeviceId).toBe('iphone');
    expect(call.answeredAt).toBe(T0 + 200);
    expect(call.endedAt).toBe(T0 + 600);
    expect(call.timeline.map((e) => e.event)).toEqual([
      'placed',
      'reported',
      'answered',
      'connected',
      'held',
      'resumed',
      'hangup',
      'ended',
    ]);
  });

  it('ring-all: first answer wins, the other legs end answeredElsewhere', () => {
    const call = run(
      outbound(),
      [{ type: 'reported', deviceId: 'iphone' }, 'device'],
      [{ type: 'reported', deviceId: 'ipad' }, 'device'],
      [{ type: 'answered', deviceId: 'ipad' }, 'device'],
    );
    expect(call.state).toBe('connecting');
    expect(call.devices).toEqual([
      { deviceId: 'iphone', state: 'ended', endReason: 'answeredElsewhere' },
      { deviceId: 'ipad', state: 'answered', endReason: null },
    ]);
    const late = transition(call, { type: 'answered', deviceId: 'iphone' }, T0 + 900, 'device');
    expect(refused(late)).toBe('ANSWERED_ELSEWHERE');
    const lateReport = transition(call, { type: 'reported', deviceId: 'iphone' }, T0 + 900, 'device');
    expect(refused(lateReport)).toBe('ANSWERED_ELSEWHERE');
  });

  it('is idempotent: the same event twice changes nothing the second time', () => {
    const once = run(outbound(), [{ type: 'reported', deviceId: 'iphone' }, 'device']);
    const twice = transition(once, { type: 'reported', deviceId: 'iphone' }, T0 + 999, 'device');
    expect(twice).toEqual({ ok: true, call: once, changed: false });

    const answered = run(once, [{ type: 'answered', deviceId: 'iphone' }, 'device']);
    const again = transition(answered, { type: 'answered', deviceId: 'iphone' }, T0 + 999, 'device');
    expect(again.ok && again.changed).toBe(false);
  });

  it('refuses out-of-order events with INVALID_TRANSITION and no change', () => {
    const ringing = run(outbound(), [{ type: 'reported', deviceId: 'iphone' }, 'device']);
    for (const event of [
      { type: 'connected' },
      { type: 'hold', on: true },
      { type: 'mute', on: true },
    ] as const) {
      expect(refused(transition(ringing, event, T0 + 1, 'device'))).toBe('INVALID_TRANSITION');
    }
    const active = run(
      ringing,
      [{ type: 'answered', deviceId: 'iphone' }, 'device'],
      [{ type: 'connected' }, 'device'],
    );
    expect(refused(transition(active, { type: 'timeout' }, T0 + 1, 'server'))).toBe('INVALID_TRANSITION');
    expect(refused(transition(active, { type: 'declined', deviceId: 'iphone' }, T0 + 1, 'device'))).toBe(
      'INVALID_TRANSITION',
    );
  });

  it('treats ended as final; a repeated hang-up is a harmless no-op', () => {
    const ended = run(outbound(), [{ type: 'hangup' }, 'agent']);
    expect(ended.endReason).toBe('cancelled');
    expect(refused(transition(ended, { type: 'reported', deviceId: 'iphone' }, T0 + 1, 'device'))).toBe(
      'CALL_ENDED',
    );
    expect(refused(transition(ended, { type: 'fail', detail: 'x' }, T0 + 1, 'server'))).toBe('CALL_ENDED');
    const repeat = transition(ended, { type: 'hangup' }, T0 + 1, 'device');
    expect(repeat).toEqual({ ok: true, call: ended, changed: false });
  });

  it('ends declined only when every leg has declined or dropped out', () => {
    const one = run(outbound(), [{ type: 'declined', deviceId: 'iphone' }, 'device']);
    expect(one.state).toBe('dialing');
    const both = run(one, [{ type: 'hangup', deviceId: 'ipad' }, 'device']);
    expect(both.state).toBe('ended');
    expect(both.endReason).toBe('declined');
  });

  it('ends unreachable when every leg proves unreachable, declined if anyone declined', () => {
    const gone = run(
      outbound(),
      [{ type: 'legUnreachable', deviceId: 'iphone', detail: '410 Unregistered' }, 'apns'],
      [{ type: 'legUnreachable', deviceId: 'ipad', detail: '400 BadDeviceToken' }, 'apns'],
    );
    expect(gone.endReason).toBe('unreachable');
    const mixed = run(
      outbound(),
      [{ type: 'declined', deviceId: 'iphone' }, 'device'],
      [{ type: 'legUnreachable', deviceId: 'ipad', detail: '410 Unregistered' }, 'apns'],
    );
    expect(mixed.endReason).toBe('declined');
  });

  it('ignores an APNs failure for a phone that already rang over its socket', () => {
    const ringing = run(outbound(['iphone']), [{ type: 'reported', deviceId: 'iphone' }, 'device']);
    const r = transition(
      ringing,
      { type: 'legUnreachable', deviceId: 'iphone', detail: '410' },
      T0 + 1,
      'apns',
    );
    expect(r.ok && r.changed).toBe(false);
  });

  it.each([
    [{ type: 'timeout' }, 'server', 'missed'],
    [{ type: 'busy' }, 'server', 'busy'],
    [{ type: 'unreachable', detail: 'no devices' }, 'server', 'unreachable'],
    [{ type: 'fail', detail: 'server restarted' }, 'server', 'failed'],
    [{ type: 'hangup' }, 'agent', 'cancelled'],
  ] as const)('%o while ringing ends the call %s', (event, source, reason) => {
    const call = run(outbound(), [event as CallEvent, source]);
    expect(call.endReason).toBe(reason);
    expect(call.devices.every((l) => l.state === 'ended' && l.endReason === reason)).toBe(true);
    expect(call.timeline.at(-1)).toMatchObject({ event: 'ended', detail: reason });
  });

  describe('inbound (phone calls the console)', () => {
    it('rings on the consoles from the start', () => {
      expect(inbound()).toMatchObject({ state: 'ringing', agentId: null });
      expect(inbound().devices).toEqual([{ deviceId: 'iphone', state: 'answered', endReason: null }]);
    });

    it('first agent to accept wins', () => {
      const call = run(inbound(), [{ type: 'accepted', agentId: 'alice' }, 'agent']);
      expect(call).toMatchObject({ state: 'connecting', agentId: 'alice' });
      expect(refused(transition(call, { type: 'accepted', agentId: 'bob' }, T0 + 1, 'agent'))).toBe(
        'ANSWERED_ELSEWHERE',
      );
      const same = transition(call, { type: 'accepted', agentId: 'alice' }, T0 + 1, 'agent');
      expect(same.ok && same.changed).toBe(false);
    });

    it('the phone hanging up while it rings is a cancel; the console hanging up is a decline', () => {
      expect(run(inbound(), [{ type: 'hangup', deviceId: 'iphone' }, 'device']).endReason).toBe('cancelled');
      expect(run(inbound(), [{ type: 'hangup' }, 'agent']).endReason).toBe('declined');
      expect(run(inbound(), [{ type: 'declined' }, 'agent']).endReason).toBe('declined');
    });

    it('refuses a phone-side answer', () => {
      expect(refused(transition(inbound(), { type: 'answered', deviceId: 'iphone' }, T0, 'device'))).toBe(
        'INVALID_TRANSITION',
      );
    });
  });

  it('does not mutate the call it is given', () => {
    const call = outbound();
    const snapshot = structuredClone(call);
    run(
      call,
      [{ type: 'reported', deviceId: 'iphone' }, 'device'],
      [{ type: 'answered', deviceId: 'iphone' }, 'device'],
    );
    expect(call).toEqual(snapshot);
  });

  it('records pushes in the call and its timeline, even after the end', () => {
    const ended = run(outbound(['iphone']), [{ type: 'hangup' }, 'agent']);
    const withPush = recordPush(ended, {
      deviceId: 'iphone',
      kind: 'cancel',
      at: T0 + 500,
      apnsId: 'abc',
      status: 200,
      reason: null,
      outcome: 'accepted',
      attempt: 1,
      latencyMs: 37.6,
    });
    expect(withPush.pushes).toHaveLength(1);
    expect(withPush.timeline.at(-1)).toMatchObject({
      event: 'push:accepted',
      source: 'apns',
      actorId: 'iphone',
      detail: 'cancel · 200 · 38 ms',
    });
  });
});

describe('recordPush ordering', () => {
  it('files a push attempt by when it started, even when it is recorded later', () => {
    const call = createCall({
      id: ID,
      direction: 'outbound',
      agentId: 'alice',
      staffId: 'ana',
      deviceIds: ['iphone'],
      handle: 'x',
      callerName: 'x',
      video: false,
      createdAt: T0,
      ringUntil: T0 + 45_000,
      source: 'agent',
    });
    const reported = transition(call, { type: 'reported', deviceId: 'iphone' }, T0 + 60, 'device');
    if (!reported.ok) throw new Error('refused');
    const withPush = recordPush(reported.call, {
      deviceId: 'iphone',
      kind: 'call',
      at: T0 + 10,
      apnsId: 'a',
      status: 200,
      reason: null,
      outcome: 'accepted',
      attempt: 1,
      latencyMs: 80,
    });
    expect(withPush.timeline.map((e) => e.event)).toEqual(['placed', 'push:accepted', 'reported']);
  });
});

describe('cancelAccepted: whether the last word APNs holds for a phone is the cancel', () => {
  const push = (kind: 'call' | 'cancel', at: number, latencyMs: number, status: number | null) => ({
    deviceId: 'iphone',
    kind,
    at: T0 + at,
    apnsId: `${kind}-${at}`,
    status,
    reason: status === null ? 'ConnectionError' : null,
    outcome: status === 200 ? ('accepted' as const) : ('retryable' as const),
    attempt: 1,
    latencyMs,
  });
  const ended = () => run(outbound(['iphone']), [{ type: 'hangup' }, 'agent']);

  it('is true once APNs took a cancel after every call push that may have landed', () => {
    const call = [push('call', 0, 5, 200), push('cancel', 50, 4, 200)].reduce(recordPush, ended());
    expect(cancelAccepted(call, 'iphone')).toBe(true);
    expect(cancelAccepted(call, 'ipad')).toBe(false);
  });

  it('is false when a call push answered after the cancel: for an offline phone it replaced the cancel', () => {
    // Sent at 2 ms, answered at 128 ms; the cancel sent at 61 ms was answered at 65 ms.
    const late = [push('call', 2, 126, 200), push('cancel', 61, 4, 200)].reduce(recordPush, ended());
    expect(cancelAccepted(late, 'iphone')).toBe(false);
    // A call push with no answer may have landed too.
    const unanswered = [push('call', 2, 126, null), push('cancel', 61, 4, 200)].reduce(recordPush, ended());
    expect(cancelAccepted(unanswered, 'iphone')).toBe(false);
    // The cancel sent again after it lands last.
    expect(cancelAccepted(recordPush(late, push('cancel', 130, 4, 200)), 'iphone')).toBe(true);
    // One APNs refused does not count.
    expect(cancelAccepted(recordPush(late, push('cancel', 130, 4, 429)), 'iphone')).toBe(false);
  });
});
