import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, NO_REJECTS, type RejectReason } from '#shared';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import { openStorage, type Storage } from '../../src';

const HOUR = 3_600_000;
/** A whole UTC day, so "today" and "the last 24 h" do not depend on when the test runs. */
const T0 = Math.floor(1_764_000_000_000 / DAY_MS) * DAY_MS + 12 * HOUR;

describe.each(ENGINES)('ring records on %s', (engine) => {
  let db: FreshStorage;
  let s: Storage;
  beforeEach(async () => {
    db = await freshStorage(engine);
    s = db.storage;
  });
  afterEach(async () => {
    await db.dispose();
  });

  const accepted = (at: number) => ({ at, reason: null });
  const rang = (deviceId: string, at: number, latencyMs: number, answered = false) => ({
    deviceId,
    at,
    push: accepted(at),
    outcome: 'rang' as const,
    latencyMs,
    rangAt: at + latencyMs,
    answered,
  });
  const notRung = (deviceId: string, at: number) => ({
    ...rang(deviceId, at, 0),
    outcome: 'notRung' as const,
    latencyMs: null,
    rangAt: null,
  });
  /** A push APNs refused: nothing rang, nothing was expected to. */
  const refused = (deviceId: string, at: number, reason: RejectReason) => ({
    ...notRung(deviceId, at),
    push: { at, reason },
    outcome: null,
  });

  it('counts pushes, refusals by reason, rings, answers and latency over 24 h and 7 days', async () => {
    // Eight days ago: outside both windows.
    await s.ringHealth.recordLegs([notRung('a', T0 - 8 * DAY_MS)]);
    await s.ringHealth.recordLegs([rang('a', T0 - 3 * DAY_MS, 4_000)]);
    for (let i = 3; i >= 0; i--) await s.ringHealth.recordLegs([rang('a', T0 - i * HOUR, 600, i === 0)]);
    await s.ringHealth.recordLegs([refused('a', T0 - 1, 'unregistered'), refused('b', T0, 'noAnswer')]);

    const [a, b] = (await s.ringHealth.records(T0 + 1)).sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1));
    expect(a).toMatchObject({
      deviceId: 'a',
      day: { pushes: 5, accepted: 4, rang: 4, notRung: 0, answered: 1, p50Ms: 625 },
      week: { pushes: 6, accepted: 5, rang: 5, notRung: 0, answered: 1 },
      // A refused push neither rang nor failed to: the run of unrung calls is as it was.
      notRungStreak: 0,
      lastRangAt: T0 + 600,
      lastPushAt: T0,
    });
    expect(a!.day.rejected).toEqual({ ...NO_REJECTS, unregistered: 1 });
    expect(a!.week.p95Ms).toBeGreaterThan(3_000);
    expect(b).toMatchObject({ deviceId: 'b', day: { pushes: 1, accepted: 0, rejected: { noAnswer: 1 } } });
    expect(await s.ringHealth.records(T0, [])).toEqual([]);
    expect((await s.ringHealth.records(T0, ['b'])).map((r) => r.deviceId)).toEqual(['b']);
  });

  it('counts calls in a row that did not ring, until one rings', async () => {
    for (let i = 0; i < 3; i++) await s.ringHealth.recordLegs([notRung('a', T0 + i)]);
    expect((await s.ringHealth.records(T0 + 10))[0]).toMatchObject({ notRungStreak: 3, lastRangAt: null });
    await s.ringHealth.recordLegs([rang('a', T0 + 5, 900), notRung('b', T0 + 5)]);
    const [a, b] = (await s.ringHealth.records(T0 + 10)).sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1));
    expect(a).toMatchObject({ notRungStreak: 0, lastRangAt: T0 + 905, week: { rang: 1, notRung: 3 } });
    expect(b).toMatchObject({ notRungStreak: 1 });
  });

  it('records many calls in one write, a phone several times, in the order they ended, and says where each phone stands', async () => {
    await s.ringHealth.recordLegs([notRung('a', T0)]);
    await s.ringHealth.noteAlert('a', 'ok', T0);
    const byId = (states: { deviceId: string }[]) =>
      [...states].sort((x, y) => (x.deviceId < y.deviceId ? -1 : 1));
    const states = await s.ringHealth.recordLegs([
      notRung('a', T0 + 1),
      rang('a', T0 + 2, 700),
      notRung('a', T0 + 3),
      rang('b', T0 + 4, 300),
      notRung('a', T0 + 5),
      notRung('b', T0 + 6),
    ]);
    // Only the silent calls after a's last ring count: the stored streak restarts from it.
    expect(byId(states)).toEqual([
      { deviceId: 'a', notRungStreak: 2, alertKey: 'ok' },
      { deviceId: 'b', notRungStreak: 1, alertKey: null },
    ]);
    const [a, b] = byId(await s.ringHealth.records(T0 + 10)) as Awaited<
      ReturnType<typeof s.ringHealth.records>
    >;
    expect(a).toMatchObject({
      notRungStreak: 2,
      lastRangAt: T0 + 702,
      lastPushAt: T0 + 5,
      day: { pushes: 5, accepted: 5, rang: 1, notRung: 4 },
      week: { pushes: 5, rang: 1, notRung: 4 },
    });
    expect(b).toMatchObject({
      notRungStreak: 1,
      lastRangAt: T0 + 304,
      week: { pushes: 2, rang: 1, notRung: 1 },
    });
    // Without a ring, a write's silent calls add to the streak.
    expect(await s.ringHealth.recordLegs([notRung('a', T0 + 7), notRung('a', T0 + 8)])).toEqual([
      { deviceId: 'a', notRungStreak: 4, alertKey: 'ok' },
    ]);
    // A write of many phones (its SQL not kept: ring-write.ts), all the same.
    const many = Array.from({ length: 20 }, (_, i) => rang(`m${i}`, T0, 100));
    expect(await s.ringHealth.recordLegs(many)).toHaveLength(20);
    expect((await s.ringHealth.records(T0 + 10, ['m7']))[0]?.week).toMatchObject({ pushes: 1, rang: 1 });
  });

  it('keeps one row per phone and hour (and day) whatever the traffic', async () => {
    for (let i = 0; i < 200; i++) await s.ringHealth.recordLegs([rang('a', T0 + i * 1_000, 300)]);
    const hours = await s.ringHealth.series({ period: 'h', from: 0, deviceId: 'a' });
    const days = await s.ringHealth.series({ period: 'd', from: 0, deviceId: 'a' });
    expect(hours).toHaveLength(1);
    expect(days).toHaveLength(1);
    expect(hours[0]!.counts).toMatchObject({ pushes: 200, rang: 200 });
    expect(days[0]).toMatchObject({ start: T0 - 12 * HOUR, counts: { rang: 200 } });
  });

  it('sums every phone for the team, by UTC day', async () => {
    await s.ringHealth.recordLegs([rang('a', T0, 500), rang('b', T0, 1_200), notRung('c', T0)]);
    await s.ringHealth.recordLegs([rang('a', T0 - DAY_MS, 500)]);
    const days = await s.ringHealth.series({ period: 'd', from: T0 - 2 * DAY_MS });
    expect(days.map((d) => [d.start, d.counts.rang, d.counts.notRung])).toEqual([
      [T0 - 12 * HOUR - DAY_MS, 1, 0],
      [T0 - 12 * HOUR, 2, 1],
    ]);
  });

  it('announces an alert state once per change, whoever notes it', async () => {
    expect(await s.ringHealth.noteAlert('a', 'ok', T0)).toBe(true);
    expect(await s.ringHealth.noteAlert('a', 'ok', T0 + 1)).toBe(false);
    const twice = await Promise.all([
      s.ringHealth.noteAlert('a', 'notRinging', T0 + 2),
      s.ringHealth.noteAlert('a', 'notRinging', T0 + 2),
    ]);
    expect(twice.filter(Boolean)).toHaveLength(1);
    expect(await s.ringHealth.noteAlert('a', 'tokenInvalid:5', T0 + 3)).toBe(true);
    expect(await s.ringHealth.noteAlert('a', 'tokenInvalid:6', T0 + 4)).toBe(true);
  });

  it('drops hours and days past their retention, and the state of forgotten phones', async () => {
    await s.ringHealth.recordLegs([rang('gone', T0 - 10 * DAY_MS, 500)]);
    await s.ringHealth.recordLegs([rang('gone', T0, 500)]);
    expect(await s.ringHealth.prune({ hoursBefore: T0 - 8 * DAY_MS, daysBefore: T0 - 90 * DAY_MS })).toBe(2);
    expect(await s.ringHealth.series({ period: 'h', from: 0 })).toHaveLength(1);
    expect(await s.ringHealth.series({ period: 'd', from: 0 })).toHaveLength(2);
    // The phone is not paired: its streak went, its rows stay for the team's days.
    expect((await s.ringHealth.records(T0))[0]).toMatchObject({ deviceId: 'gone', lastRangAt: null });
  });

  it('adds up what several connections write to the same rows at once (cluster nodes)', async () => {
    if (engine === 'sqlite') return;
    const others = await Promise.all([openStorage(db.url), openStorage(db.url)]);
    try {
      await Promise.all(
        others.flatMap((o) =>
          Array.from({ length: 25 }, (_, i) =>
            o.ringHealth.recordLegs([rang('a', T0 + i, 700), notRung('b', T0 + i)]),
          ),
        ),
      );
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
    const records = await s.ringHealth.records(T0 + 100);
    expect(records.find((r) => r.deviceId === 'a')?.day).toMatchObject({
      pushes: 50,
      accepted: 50,
      rang: 50,
    });
    expect(records.find((r) => r.deviceId === 'b')).toMatchObject({
      notRungStreak: 50,
      day: { notRung: 50 },
    });
  });
});
