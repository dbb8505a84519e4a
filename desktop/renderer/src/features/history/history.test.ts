import { describe, expect, it } from 'vitest';
import { type Call, createCall, transition } from '#shared';
import { buildNames } from '../../store/names';
import { csvFileName, csvPath, NO_FILTERS, toQuery } from './filters';
import { callDurationInWords, durationInWords, outcomeText } from './format';

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

describe('durations', () => {
  it('reads like a person would say it', () => {
    expect(durationInWords(4_240)).toBe('4.2 s');
    expect(durationInWords(59_990)).toBe('59.9 s');
    expect(durationInWords(65_000)).toBe('1 min 05 s');
    expect(durationInWords(3_725_000)).toBe('1 h 02 min');
  });
});

describe('outcome and duration of real state-machine calls', () => {
  const names = buildNames([]);

  it("an answered call: talk time from the answer, the call panel's words for the end", () => {
    const call = play(outbound(['dev-ana']), [
      [610, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [4_200, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [4_300, { type: 'connected' }, 'device'],
      [9_500, { type: 'hangup', deviceId: 'dev-ana' }, 'device'],
    ]);
    expect(callDurationInWords(call)).toBe('5.3 s');
    expect(outcomeText(call, names)).toMatch(/^Call completed/);
  });

  it('a declined call says how long it rang; a live one says what it is doing', () => {
    const ringing = play(outbound(['dev-ben']), [[600, { type: 'reported', deviceId: 'dev-ben' }, 'device']]);
    expect(outcomeText(ringing, names)).toBe('Live: ringing');
    expect(callDurationInWords(ringing)).toBe('not answered yet');
    const declined = play(ringing, [[1_500, { type: 'declined', deviceId: 'dev-ben' }, 'device']]);
    expect(outcomeText(declined, names)).toBe('Declined on the phone');
    expect(callDurationInWords(declined)).toBe('rang 1.5 s');
  });

  it('an inbound call rang on the consoles from the moment it came in', () => {
    const inbound = createCall({
      id: '0f8fad5b-d9cb-469f-a165-70867728950e',
      direction: 'inbound',
      agentId: null,
      staffId: 'staff-ana',
      deviceIds: ['dev-ana'],
      handle: '+15550100000',
      callerName: 'Ana',
      video: false,
      createdAt: T0,
      ringUntil: T0 + 45_000,
      source: 'device',
    });
    const gaveUp = play(inbound, [[2_300, { type: 'hangup', deviceId: 'dev-ana' }, 'device']]);
    expect(callDurationInWords(gaveUp)).toBe('rang 2.3 s');
  });

  it('a call no phone ever reported did not ring, however long the server waited', () => {
    const missed = play(outbound(), [[45_000, { type: 'timeout' }, 'server']]);
    expect(callDurationInWords(missed)).toBe('never rang (waited 45.0 s)');
    const unreachable = play(outbound(['dev-ana']), [
      [3, { type: 'legUnreachable', deviceId: 'dev-ana', detail: 'no valid push token' }, 'server'],
    ]);
    expect(callDurationInWords(unreachable)).toBe('never rang');
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
    if (r.ok) {
      expect(csvPath(r.query)).toBe(
        `/api/history.csv?direction=inbound&outcome=missed&from=${r.query.from}&to=${r.query.to}`,
      );
    }
  });

  it('refuse a reversed range and an impossible date, and leave out what is "any"', () => {
    expect(toQuery({ ...NO_FILTERS, fromDate: '2025-11-06', toDate: '2025-11-05' })).toEqual({
      ok: false,
      error: 'the start date is after the end date',
    });
    expect(toQuery({ ...NO_FILTERS, fromDate: '2025-02-31' }).ok).toBe(false);
    expect(toQuery(NO_FILTERS)).toEqual({ ok: true, query: {} });
    expect(csvPath({})).toBe('/api/history.csv');
    expect(csvFileName({ ...NO_FILTERS, fromDate: '2025-11-03' })).toBe(
      'switchboard-history-2025-11-03-to-now.csv',
    );
  });
});
