import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, CallQuality, PhoneQuality, QualitySummary } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';

/** What an end would send after `seconds` at an average MOS of `mos`. */
function summary(mos: number | null, over: Partial<QualitySummary> = {}): QualitySummary {
  return {
    samples: 30,
    seconds: 29,
    rttMs: { avg: 40, max: 80 },
    jitterMs: { avg: 4, max: 9 },
    packetsReceived: 1_450,
    packetsLost: 0,
    lossPct: 0,
    concealedPct: 0.4,
    mos: mos === null ? null : { avg: mos, min: mos - 0.2 },
    poorSeconds: 0,
    path: { kind: 'direct', transport: 'udp' },
    ...over,
  };
}

const DAY = 86_400_000;

describe.each(ENGINES)('how each call sounded (issue 25 item 8), on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  async function answeredCall(agent: Awaited<ReturnType<Harness['agent']>>, staffId: string) {
    const iphone = await h.phone(agent, staffId, { token: false });
    const call = await agent.ok<Call>('call:place', { staffId });
    await iphone.report(call.id, 'answered');
    return { iphone, call };
  }

  it("keeps each end's latest report and marks the call by its worse end, in history and its CSV", async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const { iphone, call } = await answeredCall(agent, ana.id);
    // During the call each end sends what it heard so far; the latest replaces the earlier one.
    await agent.ok('quality:report', { callId: call.id, summary: summary(4.3) });
    await iphone.ok('quality:report', { callId: call.id, summary: summary(4.1) });
    await agent.ok('call:hangup', { callId: call.id });
    h.clock.advance(2_000);
    // The phone's last word comes after the end: what it heard got worse (loss on its downlink).
    await iphone.ok('quality:report', {
      callId: call.id,
      summary: summary(3.2, { packetsLost: 160, lossPct: 9.9, poorSeconds: 12 }),
    });

    const page = await agent.ok<{ calls: Call[]; quality: Record<string, CallQuality> }>('history:query', {});
    const quality = page.quality[call.id]!;
    expect(quality.mark).toBe('poor');
    expect(quality.mos).toBe(3.2);
    expect(quality.sides.map((s) => [s.side, s.partyId, s.mark, s.summary.mos?.avg])).toEqual([
      ['agent', agent.agentId, 'good', 4.3],
      ['phone', iphone.deviceId, 'poor', 3.2],
    ]);

    const csv = await (
      await fetch(`${h.url}/api/history.csv?quality=poor`, {
        headers: { authorization: `Bearer ${agent.token}` },
      })
    ).text();
    const [header, row] = csv.trim().split('\r\n');
    // By name, wherever they are: other features add columns of their own.
    const columns = header!.split(',');
    const cells = row!.split(',');
    expect(columns).toContain('quality');
    expect(cells[columns.indexOf('quality')]).toBe('poor');
    expect(cells[columns.indexOf('mos')]).toBe('3.20');
  });

  it('filters history by the call\'s mark: "calls with poor audio this week"', async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const marks: Record<string, string> = {};
    // Four calls: good both ways, fair, poor one way only, and one nobody measured.
    for (const [agentMos, phoneMos] of [
      [4.3, 4.2],
      [3.8, 4.2],
      [4.3, 2.9],
      [null, null],
    ] as const) {
      const { iphone, call } = await answeredCall(agent, ana.id);
      if (agentMos !== null)
        await agent.ok('quality:report', { callId: call.id, summary: summary(agentMos) });
      if (phoneMos !== null)
        await iphone.ok('quality:report', { callId: call.id, summary: summary(phoneMos) });
      await agent.ok('call:hangup', { callId: call.id });
      marks[call.id] =
        agentMos === null
          ? 'unmeasured'
          : Math.min(agentMos, phoneMos!) < 3.6
            ? 'poor'
            : Math.min(agentMos, phoneMos!) < 4.03
              ? 'fair'
              : 'good';
      h.clock.advance(60_000);
    }
    const ids = async (query: Record<string, unknown>) =>
      (await agent.ok<{ calls: Call[] }>('history:query', query)).calls.map((c) => marks[c.id]);
    const weekAgo = h.clock.now() - 7 * DAY;
    expect(await ids({ quality: 'poor', from: weekAgo })).toEqual(['poor']);
    // A fair call is one with no poor end; a good one has both ends good.
    expect(await ids({ quality: 'fair' })).toEqual(['fair']);
    expect(await ids({ quality: 'good' })).toEqual(['good']);
    expect(await ids({})).toEqual(['unmeasured', 'poor', 'fair', 'good']);
    // "This week" is history's own time: the poor call from before it is not in it.
    expect(await ids({ quality: 'poor', from: h.clock.now() })).toEqual([]);
  });

  it("takes reports only from the call's own parties, until 10 minutes after it ended", async () => {
    const agent = await h.agent('alice');
    const bob = await h.agent('bob');
    const ana = await h.staff(agent, 'Ana');
    const ipad = await h.phone(agent, ana.id, { token: false });
    const { iphone, call } = await answeredCall(agent, ana.id);
    const report = { callId: call.id, summary: summary(4.2) };

    for (const outsider of [bob, ipad]) {
      expect(await outsider.request('quality:report', report)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    await agent.ok('call:hangup', { callId: call.id });
    h.clock.advance(10 * 60_000);
    await iphone.ok('quality:report', report);
    h.clock.advance(1);
    expect(await agent.request('quality:report', report)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    const page = await agent.ok<{ quality: Record<string, CallQuality> }>('history:query', {});
    expect(page.quality[call.id]!.sides.map((s) => s.partyId)).toEqual([iphone.deviceId]);
    expect(
      await agent.request('quality:report', { callId: crypto.randomUUID(), summary: summary(4) }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // A summary that could not come from getStats is refused before anything reads it.
    expect(
      await iphone.request('quality:report', { callId: call.id, summary: { ...summary(4), lossPct: 140 } }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it("gives a phone's quality by day over 30 days, for its health detail", async () => {
    // Sessions last 12 h: the agent signs in again on each day of the test.
    let agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id, { token: false });
    const call = async (agentMos: number, phoneMos: number | null) => {
      const placed = await agent.ok<Call>('call:place', { staffId: ana.id });
      await iphone.report(placed.id, 'answered');
      await agent.ok('quality:report', { callId: placed.id, summary: summary(agentMos) });
      if (phoneMos !== null)
        await iphone.ok('quality:report', { callId: placed.id, summary: summary(phoneMos) });
      await agent.ok('call:hangup', { callId: placed.id });
      return placed;
    };
    await call(4.2, 4.1); // 10 days ago: good
    h.clock.advance(9 * DAY);
    agent = await h.agent('alice');
    await call(4.3, 4.3); // yesterday: good
    const poor = await call(4.3, 3.1); // and poor
    h.clock.advance(DAY);
    agent = await h.agent('alice');
    await call(3.9, null); // today: fair (the phone sent nothing)

    const q = await agent.ok<PhoneQuality>('quality:phone', { deviceId: iphone.deviceId });
    expect(q.days).toHaveLength(30);
    const today = q.days.at(-1)!;
    expect(today.start).toBe(Math.floor(h.clock.now() / DAY) * DAY);
    expect(today).toMatchObject({ good: 0, fair: 1, poor: 0, mos: 3.9 });
    expect(q.days.at(-2)).toMatchObject({ good: 1, fair: 0, poor: 1, mos: 3.7 });
    expect(q.days.at(-11)).toMatchObject({ good: 1, fair: 0, poor: 0, mos: 4.1 });
    expect(q.week).toEqual({ good: 1, fair: 1, poor: 1, mos: 3.77 });
    expect(q.lastPoor).toEqual({ callId: poor.id, at: poor.createdAt, mos: 3.1 });
  });
});
