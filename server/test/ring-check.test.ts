import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuditEntry,
  type Call,
  notRungYetText,
  type PhoneRecord,
  RING_TEST_MS,
  SILENT_DETAILS,
  type StaffEntry,
} from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { HEALTH_FLUSH_EVERY_MS } from '../src/ring-health/health';

type Agent = Awaited<ReturnType<Harness['agent']>>;
type Phone = Awaited<ReturnType<Harness['phone']>>;
type Changed = { call: Call };
type Records = { phones: PhoneRecord[] };

/** Ring tests (issue 25 item 3), "has not rung yet" and the fallback (item 7), on both databases. */
describe.each(ENGINES)('ring tests, silent phones and fallbacks, on %s', (engine) => {
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

  const ended = (callId: string) =>
    boss.waitFor<Changed>('call:changed', (p) => p.call.id === callId && p.call.state === 'ended');
  /** The phone's record once `match` holds; consoles hear of records at most once a second. */
  const recordOf = async (phone: Phone, match: (r: PhoneRecord) => boolean) => {
    h.clock.advance(HEALTH_FLUSH_EVERY_MS);
    const find = (p: Records) => p.phones.find((r) => r.deviceId === phone.deviceId);
    const changed = await boss.waitFor<Records>('health:changed', (p) => {
      const r = find(p);
      return r !== undefined && match(r);
    });
    return find(changed)!;
  };

  describe('a ring test', () => {
    it('rings one phone as "Ring test from <agent>" for 5 s, and how fast it rang goes into its record', async () => {
      const phone = await h.phone(boss, ana.id);
      const call = await boss.ok<Call>('ring:test', { deviceId: phone.deviceId });
      expect(call).toMatchObject({
        callerName: 'Ring test from boss',
        ringUntil: call.createdAt + RING_TEST_MS,
        devices: [{ deviceId: phone.deviceId, state: 'pending' }],
      });
      expect(call.timeline[0]).toMatchObject({ event: 'placed', detail: 'ring test' });
      await h.idle();
      const push = h.emulator!.requests({ token: phone.voipToken }).at(-1)!;
      expect(JSON.parse(push.body).switchboard).toMatchObject({
        kind: 'call',
        callerName: 'Ring test from boss',
      });

      h.clock.advance(450);
      await phone.report(call.id, 'reported');
      h.clock.advance(RING_TEST_MS);
      expect((await ended(call.id)).call.endReason).toBe('missed');
      const record = await recordOf(phone, (r) => r.week.rang === 1);
      expect(record.day).toMatchObject({ pushes: 1, accepted: 1, rang: 1, p50Ms: 375 });
    });

    it('ends when the phone declines it, or at once when it answers, and counts both as rung', async () => {
      const phone = await h.phone(boss, ana.id);
      const declined = await boss.ok<Call>('ring:test', { deviceId: phone.deviceId });
      await phone.report(declined.id, 'reported');
      await phone.report(declined.id, 'ended', 'declined');
      expect((await ended(declined.id)).call.endReason).toBe('declined');

      const answered = await boss.ok<Call>('ring:test', { deviceId: phone.deviceId });
      await phone.report(answered.id, 'reported');
      await phone.report(answered.id, 'answered');
      const over = (await ended(answered.id)).call;
      expect(over.endReason).toBe('completed');
      expect(over.timeline.find((e) => e.event === 'hangup')).toMatchObject({ source: 'server' });
      await recordOf(phone, (r) => r.week.rang === 2 && r.week.answered === 1);
    });

    it('rings every phone of a staff member: the silent one is counted as not rung', async () => {
      const rings = await h.phone(boss, ana.id);
      const silent = await h.phone(boss, ana.id);
      silent.close();
      h.emulator!.setOnline(silent.voipToken, false);
      const call = await boss.ok<Call>('ring:test', { staffId: ana.id });
      expect(call.devices).toHaveLength(2);
      await h.idle();
      await rings.report(call.id, 'reported');
      h.clock.advance(RING_TEST_MS);
      await ended(call.id);
      await recordOf(rings, (r) => r.week.rang === 1);
      await recordOf(silent, (r) => r.week.notRung === 1 && r.notRungStreak === 1);
    });

    it('is refused to an agent who is not an admin', async () => {
      const phone = await h.phone(boss, ana.id);
      const agent = await h.agent('ann', 'agent');
      const refused = await agent.request('ring:test', { deviceId: phone.deviceId });
      expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    });
  });

  describe('a phone that has not rung yet', () => {
    it('is noted on the call 5 s after its push, saying whether APNs accepted it', async () => {
      const phone = await h.phone(boss, ana.id);
      const call = await boss.ok<Call>('call:place', { staffId: ana.id });
      await h.idle();
      h.clock.advance(4_999);
      await h.idle();
      expect((await h.storage.calls.get(call.id))!.timeline.map((e) => e.event)).not.toContain('notRungYet');
      h.clock.advance(1);
      const noted = await boss.waitFor<Changed>('call:changed', (p) =>
        p.call.timeline.some((e) => e.event === 'notRungYet'),
      );
      const entry = noted.call.timeline.find((e) => e.event === 'notRungYet')!;
      expect(entry).toMatchObject({
        actorId: phone.deviceId,
        source: 'server',
        detail: SILENT_DETAILS.accepted,
      });
      expect(entry.at - call.createdAt).toBe(5_000);
      expect(notRungYetText('iPhone', entry.detail)).toBe('Push accepted, iPhone has not rung yet');
      expect(noted.call.state).toBe('dialing');
    });

    it('says when APNs has not even accepted its push yet (APNs delays)', async () => {
      const phone = await h.phone(boss, ana.id);
      phone.close();
      h.emulator!.fault(phone.voipToken, { type: 'delay', ms: 1_500 });
      await h.idle();
      const call = await boss.ok<Call>('call:place', { staffId: ana.id });
      h.clock.advance(5_000);
      const noted = await boss.waitFor<Changed>('call:changed', (p) =>
        p.call.timeline.some((e) => e.event === 'notRungYet'),
      );
      expect(noted.call.id).toBe(call.id);
      expect(noted.call.timeline.find((e) => e.event === 'notRungYet')?.detail).toBe(
        SILENT_DETAILS.unanswered,
      );
    });

    it('is not noted for a phone that rang, and waits as long as --not-rung-after says', async () => {
      await h.close();
      h = await startHarness({ engine, config: { notRungAfterMs: 2_000 } });
      boss = await h.agent('boss');
      ana = await h.staff(boss, 'Ana');
      const [first, second] = [await h.phone(boss, ana.id), await h.phone(boss, ana.id)];
      const call = await boss.ok<Call>('call:place', { staffId: ana.id });
      await h.idle();
      await first.report(call.id, 'reported');
      h.clock.advance(2_000);
      const noted = await boss.waitFor<Changed>('call:changed', (p) =>
        p.call.timeline.some((e) => e.event === 'notRungYet'),
      );
      const silent = noted.call.timeline.filter((e) => e.event === 'notRungYet').map((e) => e.actorId);
      expect(silent).toEqual([second.deviceId]);
      // A phone rang: the call is in hand, so there is no fallback to ring.
      expect(noted.call.timeline.map((e) => e.event)).not.toContain('fallback');
    });
  });

  describe('a fallback', () => {
    it('is a staff setting, checked, and on the audit trail', async () => {
      const ben = await h.staff(boss, 'Ben');
      const set = await boss.ok<StaffEntry>('staff:update', { staffId: ana.id, fallbackStaffId: ben.id });
      expect(set.fallbackStaffId).toBe(ben.id);
      const self = await boss.request('staff:update', { staffId: ana.id, fallbackStaffId: ana.id });
      expect(self).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
      const unknown = await boss.request('staff:update', { staffId: ana.id, fallbackStaffId: 'nobody' });
      expect(unknown).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
      // Removing the fallback's staff member leaves nobody, not a dangling fallback.
      await boss.ok('staff:remove', { staffId: ben.id });
      expect((await h.storage.staff.get(ana.id))?.fallbackStaffId).toBeNull();
      const trail = await boss.ok<{ entries: AuditEntry[] }>('audit:query', { subject: 'staff', limit: 10 });
      expect(trail.entries.map((e) => e.detail)).toContain('fallback Ben');
    });

    it('rings when no phone of the staff member rang in 5 s, and the timeline says so', async () => {
      const ben = await h.staff(boss, 'Ben');
      await boss.ok('staff:update', { staffId: ana.id, fallbackStaffId: ben.id });
      const anaPhone = await h.phone(boss, ana.id);
      const benPhone = await h.phone(boss, ben.id);
      const call = await boss.ok<Call>('call:place', { staffId: ana.id });
      await h.idle();
      expect(
        h.emulator!.requests({ token: benPhone.voipToken }).filter((r) => r.body.includes('"call"')),
      ).toEqual([]);

      h.clock.advance(5_000);
      const joined = await benPhone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id);
      expect(joined.call.devices.map((l) => [l.deviceId, l.state])).toEqual([
        [anaPhone.deviceId, 'pending'],
        [benPhone.deviceId, 'pending'],
      ]);
      const fallback = joined.call.timeline.find((e) => e.event === 'fallback');
      expect(fallback).toMatchObject({
        actorId: ben.id,
        detail: 'no phone of Ana rang in 5.0 s: also ringing Ben',
      });
      await h.idle();
      expect(
        h.emulator!.requests({ token: benPhone.voipToken }).filter((r) => r.body.includes('"call"')),
      ).toHaveLength(1);

      await benPhone.report(call.id, 'reported');
      await benPhone.report(call.id, 'answered');
      const answered = await boss.waitFor<Changed>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.state === 'connecting',
      );
      expect(answered.call.answeredByDeviceId).toBe(benPhone.deviceId);
      await anaPhone.waitFor<{ callId: string; reason: string }>(
        'call:cancelled',
        (p) => p.callId === call.id,
      );
    });

    it('says so when the fallback has no phone that can ring', async () => {
      const ben = await h.staff(boss, 'Ben');
      await boss.ok('staff:update', { staffId: ana.id, fallbackStaffId: ben.id });
      await h.phone(boss, ana.id);
      const call = await boss.ok<Call>('call:place', { staffId: ana.id });
      await h.idle();
      h.clock.advance(5_000);
      const noted = await boss.waitFor<Changed>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.timeline.some((e) => e.event === 'fallback'),
      );
      expect(noted.call.devices).toHaveLength(1);
      expect(noted.call.timeline.find((e) => e.event === 'fallback')?.detail).toBe(
        'no phone of Ana rang in 5.0 s; Ben cannot be rung (no paired phone)',
      );
    });
  });
});
