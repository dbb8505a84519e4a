import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Call,
  type DeviceEntry,
  type HealthAlert,
  type PhoneRecord,
  phoneHealth,
  type StaffEntry,
} from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { HEALTH_FLUSH_EVERY_MS } from '../src/ring-health/health';

type Agent = Awaited<ReturnType<Harness['agent']>>;
type Phone = Awaited<ReturnType<Harness['phone']>>;
type Records = { phones: PhoneRecord[] };

/**
 * Phones' ring records, marks and alerts (issue 25 items 1, 2, 4, 6) over real sockets, the real
 * APNs emulator and its faults, on both databases.
 */
describe.each(ENGINES)('ring records and phone health, on %s', (engine) => {
  let h: Harness;
  let boss: Agent;
  let ana: StaffEntry;
  beforeEach(async () => {
    h = await startHarness({ engine });
    boss = await h.agent('boss');
    ana = await h.staff(boss, 'Ana');
  });
  afterEach(async () => {
    await h.close();
  });

  /**
   * The phone's record as the last `health:changed` has it, once `match` holds: consoles hear of
   * records at most once a second, so the clock is moved on by that first.
   */
  const recordOf = async (phone: Phone, match: (r: PhoneRecord) => boolean) => {
    h.clock.advance(HEALTH_FLUSH_EVERY_MS);
    const find = (p: Records) => p.phones.find((r) => r.deviceId === phone.deviceId);
    return find(
      await boss.waitFor<Records>('health:changed', (p) => ((r) => r !== undefined && match(r))(find(p))),
    )!;
  };
  /** The phone's mark by the shared rules, from the roster a console gets now and the records. */
  let viewers = 0;
  const markOf = async (phone: Phone) => {
    const viewer = await h.agent(`viewer-${++viewers}`);
    const { staff } = await viewer.waitFor<{ staff: StaffEntry[] }>('roster:snapshot');
    const device = staff.flatMap((s) => s.devices).find((d) => d.id === phone.deviceId) as DeviceEntry;
    const { phones } = await viewer.ok<Records>('health:records', {});
    viewer.close();
    return phoneHealth(device, phones.find((r) => r.deviceId === phone.deviceId) ?? null, h.clock.now());
  };
  const place = () => boss.ok<Call>('call:place', { staffId: ana.id });
  /** A call nobody answers: it rings to its deadline and ends missed. */
  const ringOut = async () => {
    const call = await place();
    await h.idle();
    h.clock.advance(45_000);
    await boss.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.state === 'ended',
    );
    await h.idle();
    return call;
  };
  const alertsFor = (phone: Phone) =>
    boss.eventsNamed<HealthAlert>('health:alert').filter((a) => a.deviceId === phone.deviceId);

  it('counts a ring: the accepted push, the latency to the ring report, the answer; and /metrics', async () => {
    const phone = await h.phone(boss, ana.id);
    const call = await place();
    await h.idle();
    h.clock.advance(800);
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await boss.ok('call:hangup', { callId: call.id });

    const record = await recordOf(phone, (r) => r.week.rang === 1);
    expect(record).toMatchObject({
      day: { pushes: 1, accepted: 1, rang: 1, notRung: 0, answered: 1, p50Ms: 875, p95Ms: 988 },
      week: { pushes: 1, accepted: 1, rang: 1 },
      notRungStreak: 0,
      lastRangAt: call.createdAt + 800,
    });
    expect((await boss.ok<Records>('health:records', {})).phones).toEqual([record]);
    expect(await markOf(phone)).toMatchObject({
      state: 'good',
      label: 'Good',
      fix: 'Rang for 1 of 1 calls this week, 95 % within 1.0 s',
    });

    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_ring_outcomes_total{outcome="accepted",reason=""} 1');
    expect(metrics).toContain('switchboard_ring_outcomes_total{outcome="rang",reason=""} 1');
    expect(metrics).toContain('switchboard_ring_outcomes_total{outcome="answered",reason=""} 1');
    expect(metrics).toContain('switchboard_push_to_ring_seconds_bucket{le="1"} 1');
    expect(metrics).toContain('switchboard_push_to_ring_seconds_bucket{le="0.75"} 0');
    // No phone, staff or call in any label: the series do not grow with the team.
    expect(metrics).not.toContain(phone.deviceId);
  });

  it('turns Not ringing when APNs accepts but the phone never rings 3 times, alerting admins once', async () => {
    // Its app connected but never reporting a call (this test's phone says only what it is told
    // to), and APNs keeping the pushes for a phone it cannot reach: accepted, and nothing rings.
    const phone = await h.phone(boss, ana.id);
    h.emulator!.setOnline(phone.voipToken, false);
    for (let i = 0; i < 2; i++) await ringOut();
    expect((await markOf(phone)).state).not.toBe('notRinging');
    expect(alertsFor(phone)).toEqual([]);

    await ringOut();
    const alert = await boss.waitFor<HealthAlert>('health:alert', (a) => a.deviceId === phone.deviceId);
    const fix =
      'Pushes are accepted but the phone has not rung for its last 3 calls: check Focus / Do Not Disturb and that the app is not force-quit';
    expect(alert).toMatchObject({
      staff: 'Ana',
      phone: 'iPhone',
      state: 'notRinging',
      label: 'Not ringing',
      fix,
    });
    expect(await markOf(phone)).toMatchObject({ state: 'notRinging', fix });
    const record = await recordOf(phone, (r) => r.notRungStreak === 3);
    expect(record.week).toMatchObject({ pushes: 3, accepted: 3, rang: 0, notRung: 3 });

    // A fourth silent call changes nothing: one alert per change.
    await ringOut();
    await recordOf(phone, (r) => r.notRungStreak === 4);
    expect(alertsFor(phone)).toHaveLength(1);

    // Back on the network, it rings again: the mark clears, with no alert.
    h.emulator!.setOnline(phone.voipToken, true);
    const next = await place();
    await h.idle();
    await phone.report(next.id, 'reported');
    await boss.ok('call:hangup', { callId: next.id });
    await recordOf(phone, (r) => r.notRungStreak === 0);
    expect((await markOf(phone)).state).toBe('good');
    expect(alertsFor(phone)).toHaveLength(1);
  });

  it('counts a 410 as refused (unregistered) and alerts Token invalid with its fix', async () => {
    const phone = await h.phone(boss, ana.id);
    phone.close();
    h.emulator!.unregister(phone.voipToken);
    await h.idle();
    const call = await place();
    await boss.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.state === 'ended',
    );
    const alert = await boss.waitFor<HealthAlert>('health:alert', (a) => a.deviceId === phone.deviceId);
    expect(alert).toMatchObject({
      state: 'tokenInvalid',
      label: 'Token invalid',
      fix: 'App deleted or token rotated: open the app on the phone',
    });
    const record = await recordOf(phone, (r) => r.week.pushes === 1);
    expect(record.week).toMatchObject({ accepted: 0, notRung: 0, rejected: { unregistered: 1 } });
    expect(record.notRungStreak).toBe(0);
    expect(alertsFor(phone)).toHaveLength(1);
  });

  it.each(['drop', 'unreachable'] as const)(
    'counts a push that never got an answer (APNs %s) as refused, not as a phone that did not ring',
    async (fault) => {
      const phone = await h.phone(boss, ana.id);
      phone.close();
      // The connection is cut under each attempt, or nothing listens at APNs' address at all.
      if (fault === 'drop') h.emulator!.fault(phone.voipToken, { type: 'drop', count: 'forever' });
      else await h.emulator!.close();
      await h.idle();
      const call = await place();
      await boss.waitFor<{ call: Call }>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.pushes.length > 0,
      );
      // Retried after a backoff until the ring deadline, which ends the call.
      h.clock.advance(45_000);
      const ended = await boss.waitFor<{ call: Call }>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.state === 'ended',
      );
      expect(ended.call.endReason).toBe('missed');
      const record = await recordOf(phone, (r) => r.week.pushes === 1);
      expect(record.week).toMatchObject({ accepted: 0, rang: 0, notRung: 0, rejected: { noAnswer: 1 } });
      expect(record.notRungStreak).toBe(0);
    },
  );

  it('marks a phone Slow when 95 % of its rings take 3 s or more', async () => {
    const phone = await h.phone(boss, ana.id);
    for (let i = 0; i < 3; i++) {
      const call = await place();
      await h.idle();
      h.clock.advance(3_500);
      await phone.report(call.id, 'reported');
      await phone.report(call.id, 'ended', 'declined');
    }
    await recordOf(phone, (r) => r.week.rang === 3);
    const mark = await markOf(phone);
    expect(mark).toMatchObject({ state: 'slow', label: 'Slow' });
    expect(mark.fix).toMatch(/^It takes up to 4\.\d s to ring \(95 % of its rings this week\)/);
  });
});
