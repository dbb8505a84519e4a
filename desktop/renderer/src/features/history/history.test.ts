import { describe, expect, it } from 'vitest';
import { type Call, createCall, recordPush, transition } from '#shared';
import { csvFileName, csvPath, NO_FILTERS, toQuery } from './filters';
import { callDurationInWords, durationInWords, outcomeInWords } from './format';
import { describeTimeline } from './timeline';

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

describe('outcomeInWords and describeTimeline on real state-machine calls', () => {
  const names = new Map([['dev-ana', "Ana's iPhone"]]);

  it('an answered call: APNs, ringing and answer with offsets, talk time as the duration', () => {
    let call = recordPush(outbound(['dev-ana']), {
      deviceId: 'dev-ana',
      kind: 'call',
      at: T0 + 2,
      apnsId: 'x',
      status: 200,
      reason: null,
      outcome: 'accepted',
      attempt: 1,
      latencyMs: 38,
    });
    call = play(call, [
      [610, { type: 'reported', deviceId: 'dev-ana' }, 'device'],
      [4_200, { type: 'answered', deviceId: 'dev-ana' }, 'device'],
      [4_300, { type: 'connected' }, 'device'],
      [9_500, { type: 'hangup', deviceId: 'dev-ana' }, 'device'],
    ]);
    expect(outcomeInWords(call)).toBe('completed');
    expect(callDurationInWords(call)).toBe('5.3 s');
    expect(describeTimeline(call, names).map((l) => `${l.offset} ${l.text}`)).toEqual([
      '+0 ms the agent placed the call',
      "+2 ms APNs accepted the call push to Ana's iPhone (200, 38 ms)",
      "+610 ms ringing on Ana's iPhone",
      "+4.2 s answered on Ana's iPhone",
      '+4.3 s connected',
      "+9.5 s hung up on Ana's iPhone",
      '+9.5 s ended: completed',
    ]);
  });

  it('declined on the phone, and unknown devices by a short id', () => {
    const call = play(outbound(['dev-ben-0123456789']), [
      [1_500, { type: 'declined', deviceId: 'dev-ben-0123456789' }, 'device'],
    ]);
    expect(outcomeInWords(call)).toBe('declined on the phone');
    expect(callDurationInWords(call)).toBe('not answered (rang 1.5 s)');
    expect(describeTimeline(call).at(1)?.text).toBe('declined on device dev-ben-');
  });

  it('missed says the ring timeout; unreachable gives the server reason, not an APNs detail', () => {
    const missed = play(outbound(), [[45_000, { type: 'timeout' }, 'server']]);
    expect(outcomeInWords(missed)).toBe('no answer within 45 s');
    const unreachable = play(outbound(['dev-ana']), [
      [5, { type: 'legUnreachable', deviceId: 'dev-ana', detail: 'no valid push token' }, 'server'],
    ]);
    const withCancelPush = recordPush(unreachable, {
      deviceId: 'dev-ana',
      kind: 'cancel',
      at: T0 + 10,
      apnsId: null,
      status: 410,
      reason: 'Unregistered',
      outcome: 'tokenInvalid',
      attempt: 1,
      latencyMs: 12,
    });
    expect(outcomeInWords(withCancelPush)).toBe('phone unreachable: no valid push token');
    expect(describeTimeline(withCancelPush, names).at(-1)?.text).toBe(
      "APNs refused the cancel push to Ana's iPhone: the token is dead (410, Unregistered, 12 ms)",
    );
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
