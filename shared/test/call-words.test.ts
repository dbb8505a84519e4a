import { describe, expect, it } from 'vitest';
import {
  type Call,
  type CallEvent,
  CLOCK_CAPTIONS,
  callClock,
  callDurationInWords,
  createCall,
  durationInWords,
  END_REASON_LABELS,
  END_REASONS,
  type EventSource,
  endReasonText,
  transition,
} from '#shared';

const T0 = 1_764_000_000_000;

function call(direction: 'outbound' | 'inbound', deviceIds = ['dev-ana']): Call {
  return createCall({
    id: '6f1d5b3e-8a0e-4b53-9c55-0a3c1d2e4f10',
    direction,
    agentId: direction === 'outbound' ? 'agent-1' : null,
    staffId: 'staff-ana',
    deviceIds,
    handle: '+15550100000',
    callerName: 'Ana',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: direction === 'outbound' ? 'agent' : 'device',
  });
}

/** Real state-machine steps, as the server takes them. */
function play(c: Call, steps: Array<[number, CallEvent, EventSource]>): Call {
  for (const [offset, event, source] of steps) {
    const r = transition(c, event, T0 + offset, source);
    if (!r.ok) throw new Error(r.message);
    c = r.call;
  }
  return c;
}

const phone = (id: string | null) => (id === 'dev-ana' ? "Ana's iPhone" : 'a phone');

describe('end reasons in words', () => {
  it('have one short label each, "No answer" for a missed call', () => {
    expect(Object.keys(END_REASON_LABELS).sort()).toEqual([...END_REASONS].sort());
    expect(END_REASON_LABELS.missed).toBe('No answer');
  });

  it('say what happened in a sentence, with the phone named', () => {
    const hungUp = play(call('outbound'), [
      [500, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [900, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [3_000, { type: 'hangup', deviceId: 'dev-ana' }, 'device'],
    ]);
    expect(endReasonText(hungUp, phone)).toBe("Call completed: hung up on Ana's iPhone");
    const missed = play(call('outbound'), [[45_000, { type: 'timeout' }, 'server']]);
    expect(endReasonText(missed, phone)).toBe('No answer within 45 s');
  });
});

describe('durations', () => {
  it('read like a person would say them', () => {
    expect(durationInWords(4_240)).toBe('4.2 s');
    expect(durationInWords(59_990)).toBe('59.9 s');
    expect(durationInWords(65_000)).toBe('1 min 05 s');
    expect(durationInWords(3_725_000)).toBe('1 h 02 min');
  });

  it('count talk time from the answer', () => {
    const done = play(call('outbound'), [
      [610, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [4_200, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [4_300, { type: 'connected' }, 'device'],
      [9_500, { type: 'hangup', deviceId: 'dev-ana' }, 'device'],
    ]);
    expect(callDurationInWords(done)).toBe('5.3 s');
    expect(callClock(done, T0 + 60_000)).toEqual({ phase: 'talked', ms: 5_300 });
  });

  it('say how long a declined call rang, and that a live one is not answered yet', () => {
    const ringing = play(call('outbound'), [[600, { type: 'reported', deviceId: 'dev-ana' }, 'device']]);
    expect(callDurationInWords(ringing)).toBe('not answered yet');
    expect(callClock(ringing, T0 + 1_000)).toEqual({ phase: 'ringing', ms: 1_000 });
    const declined = play(ringing, [[1_500, { type: 'declined', deviceId: 'dev-ana' }, 'device']]);
    expect(callDurationInWords(declined)).toBe('rang 1.5 s');
    expect(CLOCK_CAPTIONS[callClock(declined, T0 + 9_000).phase]).toBe('rang for');
  });

  it('an inbound call rang on the consoles from the moment it came in', () => {
    const gaveUp = play(call('inbound'), [[2_300, { type: 'hangup', deviceId: 'dev-ana' }, 'device']]);
    expect(callDurationInWords(gaveUp)).toBe('rang 2.3 s');
  });

  it('a call no phone reported never rang, however long the server waited: clock and history agree', () => {
    const placed = call('outbound', ['dev-ana', 'dev-ipad']);
    expect(CLOCK_CAPTIONS[callClock(placed, T0 + 2_000).phase]).toBe('not ringing yet');
    const missed = play(placed, [[45_000, { type: 'timeout' }, 'server']]);
    expect(callDurationInWords(missed)).toBe('never rang (waited 45.0 s)');
    expect(callClock(missed, T0 + 99_000)).toEqual({ phase: 'waited', ms: 45_000 });
    expect(CLOCK_CAPTIONS.waited).toBe('waited, never rang');
    const unreachable = play(call('outbound'), [
      [3, { type: 'legUnreachable', deviceId: 'dev-ana', detail: 'no valid push token' }, 'server'],
    ]);
    expect(callDurationInWords(unreachable)).toBe('never rang');
  });
});
