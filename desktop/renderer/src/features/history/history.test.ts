import { describe, expect, it } from 'vitest';
import { type Call, createCall, END_REASONS, transition } from '#shared';
import { buildNames } from '../../store/names';
import { stateLabel } from '../call';
import { csvFileName, NO_FILTERS, OUTCOME_OPTIONS, poorAudioThisWeek, toQuery } from './filters';
import { outcomeText } from './format';

const T0 = 1_764_000_000_000;

function outbound(deviceIds = ['dev-ana', 'dev-ana-ipad']): Call {
  return createCall({
    id: '6f1d5b3e-8a0e-4b53-9c55-0a3c1d2e4f10',
    direction: 'outbound',
    agentId: 'agent-1',
    staffId: 'staff-ana',
    deviceIds,
    handle: '+15550100000',
    callerName: 'Support · Demo',
    video: false,
    createdAt: T0,
    ringUntil: T0 + 45_000,
    source: 'agent',
  });
}

/** Runs a script of real state-machine steps, as the server would. */
function play(
  call: Call,
  steps: Array<[number, Parameters<typeof transition>[1], Parameters<typeof transition>[3]]>,
) {
  let c = call;
  for (const [offset, event, source] of steps) {
    const r = transition(c, event, T0 + offset, source);
    if (!r.ok) throw new Error(r.message);
    c = r.call;
  }
  return c;
}

describe('outcome of real state-machine calls', () => {
  const names = buildNames([]);

  it("says the call panel's words for the end, and what a live call is doing", () => {
    const ringing = play(outbound(['dev-ben']), [[600, { type: 'reported', deviceId: 'dev-ben' }, 'device']]);
    expect(outcomeText(ringing, names)).toBe('Live: ringing');
    const declined = play(ringing, [[1_500, { type: 'declined', deviceId: 'dev-ben' }, 'device']]);
    expect(outcomeText(declined, names)).toBe('Declined on the phone');
    const completed = play(ringing, [
      [4_200, { type: 'answered', deviceId: 'dev-ben' }, 'device'],
      [9_500, { type: 'hangup', deviceId: 'dev-ben' }, 'device'],
    ]);
    expect(outcomeText(completed, names)).toMatch(/^Call completed/);
  });
});

describe('end reasons', () => {
  it('are named alike by the history filter and the call card (issue 22 item 6: "Missed" vs "No answer")', () => {
    expect(OUTCOME_OPTIONS.map((o) => o.value)).toEqual([...END_REASONS]);
    for (const { value, label } of OUTCOME_OPTIONS) {
      const ended: Call = { ...outbound(), state: 'ended', endReason: value, endedAt: T0 + 5_000 };
      expect(stateLabel(ended).text, value).toBe(label);
    }
  });
});

describe('filters', () => {
  it('turn whole local days into the server range, end day included', () => {
    const r = toQuery({
      ...NO_FILTERS,
      direction: 'inbound',
      outcome: 'missed',
      fromDate: '2025-11-03',
      toDate: '2025-11-05',
    });
    expect(r).toEqual({
      ok: true,
      query: {
        direction: 'inbound',
        outcome: 'missed',
        from: new Date(2025, 10, 3).getTime(),
        to: new Date(2025, 10, 6).getTime(),
      },
    });
  });

  it('refuse a reversed range and an impossible date, and leave out what is "any"', () => {
    expect(toQuery({ ...NO_FILTERS, fromDate: '2025-11-06', toDate: '2025-11-05' })).toEqual({
      ok: false,
      error: 'the start date is after the end date',
    });
    expect(toQuery({ ...NO_FILTERS, fromDate: '2025-02-31' }).ok).toBe(false);
    expect(toQuery(NO_FILTERS)).toEqual({ ok: true, query: {} });
    expect(csvFileName({ ...NO_FILTERS, fromDate: '2025-11-03' })).toBe(
      'switchboard-history-2025-11-03-to-now.csv',
    );
  });

  it('ask for calls by their audio mark, and "poor audio this week" is the last 7 local days', () => {
    const week = poorAudioThisWeek(new Date(2025, 10, 5, 15, 30).getTime());
    expect(week).toEqual({ ...NO_FILTERS, quality: 'poor', fromDate: '2025-10-30' });
    expect(toQuery(week)).toEqual({
      ok: true,
      query: { quality: 'poor', from: new Date(2025, 9, 30).getTime() },
    });
    // Across a month's start, and a filter that is not a mark is left out.
    expect(poorAudioThisWeek(new Date(2025, 2, 3).getTime()).fromDate).toBe('2025-02-25');
    expect(toQuery({ ...NO_FILTERS, quality: 'awful' as never })).toEqual({ ok: true, query: {} });
  });
});
