import { describe, expect, it } from 'vitest';
import {
  type CallEvent,
  RING_TEST_NOTE,
  SILENT_DETAILS,
  type StaffEntry,
  type TransferAction,
} from '#shared';
import { formatOffset } from '../../lib/time';
import { buildNames } from '../../store/names';
import { accepted, newCall, play } from '../../test/calls';
import { endSentence, legLabel, silentNotes, stateLabel, timelineItems } from './words';

const device = (id: string, name: string) => ({
  id,
  staffId: 'staff-ana',
  name,
  model: 'iPhone15,2',
  osVersion: '18.0',
  appVersion: '1.0',
  presence: 'online' as const,
  token: {
    present: true,
    updatedAt: 0,
    invalidAt: null,
    invalidReason: null,
    environment: 'sandbox' as const,
    movedTo: null,
  },
  microphone: 'granted' as const,
  pairedAt: 0,
  lastSeenAt: 0,
});
const staff: StaffEntry[] = [
  {
    id: 'staff-ana',
    name: 'Ana Answers',
    handle: '+15550100000',
    devices: [device('dev-ana', "Ana's iPhone"), device('dev-ipad', "Ana's iPad")],
  },
];
const names = buildNames(staff);
const line = (c: Parameters<typeof timelineItems>[0]) =>
  timelineItems(c, names, 'agent-1')
    .map((i) => `${i.text} ${formatOffset(i.offset)}`)
    .join(' · ');

describe('the call timeline in words', () => {
  it('reads like the issue: APNs accepted, ringing on the phone, answered, with offsets', () => {
    const call = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      ['push', accepted('dev-ana', 0, 38)],
      [610, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [4200, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [4300, { type: 'connected' }, 'device'],
    ]);
    expect(line(call)).toBe(
      "Call placed +0 ms · APNs accepted for Ana's iPhone +38 ms · Ringing on Ana's iPhone +610 ms · " +
        "Answered on Ana's iPhone +4.2 s · Connected +4.3 s",
    );
    expect(stateLabel(call)).toEqual({ text: 'Connected', tone: 'ok' });
  });

  it('orders a socket ring before a slower APNs answer by when each happened', () => {
    const call = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [20, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      ['push', accepted('dev-ana', 5, 90)],
    ]);
    expect(line(call)).toBe(
      "Call placed +0 ms · Ringing on Ana's iPhone +20 ms · APNs accepted for Ana's iPhone +95 ms",
    );
  });

  it('says why a call ended, once, in words', () => {
    const declined = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [500, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [1500, { type: 'declined', deviceId: 'dev-ana' }, 'device'],
    ]);
    expect(endSentence(declined, names)).toBe('Declined on the phone');
    expect(line(declined)).toContain(
      "Declined on Ana's iPhone +1.5 s · Call ended: declined on the phone +1.5 s",
    );

    const missed = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [45_000, { type: 'timeout' }, 'server'],
    ]);
    expect(endSentence(missed, names)).toBe('No answer within 45 s');
    expect(line(missed)).toBe('Call placed +0 ms · Call ended: no answer within 45 s +45.0 s');

    const unreachable = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [
        3,
        { type: 'legUnreachable', deviceId: 'dev-ana', detail: 'no VoIP push token yet and not connected' },
        'server',
      ],
    ]);
    expect(endSentence(unreachable, names)).toMatch(/^Phone unreachable: no valid push token/);

    const cancelled = play(newCall('outbound', ['dev-ana'], 'agent-1'), [[900, { type: 'hangup' }, 'agent']]);
    expect(endSentence(cancelled, names)).toBe('Cancelled before it was answered');
    expect(line(cancelled)).toContain('You hung up +900 ms');
  });

  it('names each phone of a ring-all call with what happened to it', () => {
    const call = play(newCall('outbound', ['dev-ana', 'dev-ipad'], 'agent-1'), [
      [300, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [900, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
    ]);
    const [ana, ipad] = call.devices;
    expect(legLabel(ana!, call).text).toBe('Answered');
    expect(legLabel(ipad!, call).text).toBe('Stopped: answered on another phone');
  });

  it('tells an inbound caller who gave up from a call another agent took', () => {
    const call = newCall('inbound', ['dev-ana'], null);
    expect(line(call)).toBe("Ana's iPhone called in +0 ms");
    const gaveUp = play(call, [[2000, { type: 'hangup', deviceId: 'dev-ana' }, 'device']]);
    expect(endSentence(gaveUp, names)).toBe('The caller hung up before it was answered');
    const taken = play(call, [[1000, { type: 'accepted', agentId: 'agent-2' }, 'agent']]);
    expect(line(taken)).toContain('Accepted by another agent +1.0 s');
  });
});

const step = (action: TransferAction): CallEvent => ({ type: 'transfer', action });

describe('a transfer on the timeline', () => {
  it('says each step with the chosen agent’s name, how it was asked, and why it ended', () => {
    const start = (kind: 'blind' | 'warm') =>
      step({ type: 'start', kind, toAgentId: 'agent-2', fromName: 'Alice', toName: 'Bob', ringUntil: 0 });
    const call = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      [400, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [500, start('blind'), 'agent'],
      [900, step({ type: 'decline' }), 'agent'],
      [1000, start('warm'), 'agent'],
      [1200, step({ type: 'accept' }), 'agent'],
      [1500, step({ type: 'decline' }), 'agent'],
      [2000, start('blind'), 'agent'],
      [2100, step({ type: 'cancel', detail: 'Bob went away' }), 'server'],
      [3000, start('warm'), 'agent'],
      [3100, step({ type: 'accept' }), 'agent'],
      [3500, step({ type: 'complete' }), 'agent'],
    ]);
    const texts = timelineItems(call, names, 'agent-1').map((i) => i.text);
    expect(texts.slice(2)).toEqual([
      'Transfer to Bob (blind): ringing their console',
      'Bob declined the transfer',
      'Transfer to Bob (talk first): ringing their console',
      'Put on hold for a transfer',
      'Bob accepted: consulting',
      'Bob left the consultation',
      'Resumed after a transfer',
      'Transfer to Bob (blind): ringing their console',
      'Transfer to Bob cancelled: Bob went away',
      'Transfer to Bob (talk first): ringing their console',
      'Put on hold for a transfer',
      'Bob accepted: consulting',
      'Resumed after a transfer',
      'Call transferred to Bob',
    ]);
  });
});

describe('ring tests and silent phones in words (issue 25 items 3 and 7)', () => {
  const ringTest = (c: ReturnType<typeof newCall>) => ({
    ...c,
    timeline: [{ ...c.timeline[0]!, detail: RING_TEST_NOTE }, ...c.timeline.slice(1)],
  });

  it('says whether a ring test rang, not that nobody answered', () => {
    const call = ringTest(newCall('outbound', ['dev-ana'], 'agent-1'));
    const rang = play(call, [
      ['push', accepted('dev-ana', 100, 80)],
      [700, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [5000, { type: 'timeout' }, 'server'],
    ]);
    expect(stateLabel(rang)).toEqual({ text: 'Rang', tone: 'ok' });
    expect(legLabel(rang.devices[0]!, rang)).toEqual({ text: 'Rang', tone: 'ok' });
    expect(endSentence(rang, names)).toBe("Ring test over: rang on Ana's iPhone after 0.7 s");
    const silent = play(call, [[5000, { type: 'timeout' }, 'server']]);
    expect(stateLabel(silent)).toEqual({ text: 'Did not ring', tone: 'bad' });
    expect(legLabel(silent.devices[0]!, silent)).toEqual({ text: 'Did not ring', tone: 'bad' });
    expect(endSentence(silent, names)).toBe("Ring test over: Ana's iPhone did not ring");
  });

  it('notes a phone silent after its push on the panel and the timeline, and the fallback', () => {
    const call = play(newCall('outbound', ['dev-ana'], 'agent-1'), [
      ['push', accepted('dev-ana', 100, 80)],
      [
        5000,
        {
          type: 'ringCheck',
          silent: [{ deviceId: 'dev-ana', detail: SILENT_DETAILS.accepted }],
          fallback: null,
        },
        'server',
      ],
    ]);
    expect(silentNotes(call, names)).toEqual(["Push accepted, Ana's iPhone has not rung yet"]);
    expect(legLabel(call.devices[0]!, call)).toEqual({ text: 'Has not rung yet', tone: 'warn' });
    expect(line(call)).toContain("Push accepted, Ana's iPhone has not rung yet +5.0 s");
    const rang = play(call, [[6000, { type: 'reported', deviceId: 'dev-ana' }, 'device']]);
    expect(silentNotes(rang, names)).toEqual([]);
  });
});
