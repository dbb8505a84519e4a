import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEntry, Call, DeviceEntry, StaffEntry } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { connectPhone, type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

type Agent = Awaited<ReturnType<Harness['agent']>>;
type Changed = { staff: StaffEntry[]; removedStaffIds: string[] };

/**
 * What a phone tells the server about itself beyond its token (issue 21 items 1 and 2): its
 * microphone permission, unpairing itself, and a VoIP token that moves to the record that
 * registered it last.
 */
describe.each(ENGINES)('what a phone reports about itself, on %s', (engine) => {
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

  /** The device as the latest roster broadcast shows it, once `match` holds. */
  const rosterDevice = async (deviceId: string, match: (d: DeviceEntry) => boolean) => {
    const find = (p: Changed) => p.staff.flatMap((s) => s.devices).find((d) => d.id === deviceId);
    const changed = await boss.waitFor<Changed>('roster:changed', (p) => {
      const d = find(p);
      return d !== undefined && match(d);
    });
    return find(changed)!;
  };

  it('shows the microphone permission the phone reports, and every change of it', async () => {
    const phone = await h.phone(boss, ana.id);
    const before = (await boss.waitFor<{ staff: StaffEntry[] }>('roster:snapshot')).staff;
    expect(before.flatMap((s) => s.devices)).toEqual([]);
    expect((await rosterDevice(phone.deviceId, () => true)).microphone).toBeNull();

    expect(await phone.ok('permissions:report', { microphone: 'denied' })).toBeNull();
    expect((await rosterDevice(phone.deviceId, (d) => d.microphone === 'denied')).microphone).toBe('denied');
    await phone.ok('permissions:report', { microphone: 'granted' });
    await rosterDevice(phone.deviceId, (d) => d.microphone === 'granted');

    const refused = await phone.request('permissions:report', { microphone: 'maybe' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // A console that connects now gets it in its snapshot.
    const late = await h.agent('late');
    const snapshot = await late.waitFor<{ staff: StaffEntry[] }>('roster:snapshot');
    expect(snapshot.staff.flatMap((s) => s.devices).map((d) => d.microphone)).toEqual(['granted']);
  });

  it('unpairs itself: the server forgets it, closes its socket, tells consoles and writes the trail', async () => {
    const phone = await h.phone(boss, ana.id);
    const closed = new Promise<string>((resolve) => phone.socket.once('disconnect', resolve));
    expect(await phone.ok('device:unpair', {})).toEqual({ deviceId: phone.deviceId });
    expect(await closed).toBe('io server disconnect');

    await boss.waitFor<Changed>('roster:changed', (p) =>
      p.staff.some((s) => s.id === ana.id && s.devices.length === 0),
    );
    expect(await h.storage.devices.get(phone.deviceId)).toBeNull();
    const refused = await TestClient.refused(`${h.url}/device`, {
      deviceId: phone.deviceId,
      secret: phone.deviceSecret,
    });
    expect(refused).toMatch(/^UNAUTHORIZED/);

    // No push goes to it any more: a call to Ana has nobody to ring.
    const call = await boss.ok<Call>('call:place', { staffId: ana.id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'unreachable' });
    expect(await h.emulator!.requests({ token: phone.voipToken })).toEqual([]);

    await h.idle();
    const trail = await boss.ok<{ entries: AuditEntry[] }>('audit:query', { subject: 'phone', limit: 10 });
    expect(trail.entries[0]).toMatchObject({
      action: 'phone.unpaired',
      actorId: phone.deviceId,
      actorName: 'iPhone (the phone itself)',
      targetId: phone.deviceId,
      targetName: 'iPhone',
      detail: 'of Ana, from the phone',
    });
  });

  it('refuses to unpair itself during a call, which goes on', async () => {
    const phone = await h.phone(boss, ana.id);
    const call = await boss.ok<Call>('call:place', { deviceId: phone.deviceId });
    await phone.report(call.id, 'reported');
    const refused = await phone.request('device:unpair', {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(phone.socket.connected).toBe(true);
    expect(await h.storage.devices.get(phone.deviceId)).not.toBeNull();
  });

  it('moves a token to the record that registers it: the old one shows where it went and is never pushed', async () => {
    const old = await h.phone(boss, ana.id);
    // The same iPhone, paired again (a new device record) after the app was reinstalled.
    const repaired = await h.pair(boss, ana.id, { name: 'Ana’s new pairing' });
    const again = await connectPhone(
      { url: h.url, clock: h.clock, emulator: h.emulator, clients: [] },
      repaired,
      { token: false },
    );
    try {
      await again.ok('device:update', {
        voipToken: old.voipToken,
        apnsEnvironment: 'sandbox',
        appVersion: '1.0.0',
        osVersion: '18.1',
      });
      const lost = await rosterDevice(old.deviceId, (d) => d.token.movedTo !== null);
      expect(lost.token.present).toBe(false);
      expect(lost.token.movedTo).toEqual({ deviceId: repaired.deviceId, name: 'Ana’s new pairing' });
      expect(lost.presence).toBe('online');
      expect((await h.storage.devices.get(repaired.deviceId))?.voipToken).toBe(old.voipToken);

      // Both records' sockets close (the app moved on): one push, for one call, to that token.
      old.close();
      again.close();
      await boss.waitFor<Changed>('roster:changed', (p) =>
        p.staff.some((s) => s.devices.every((d) => d.presence !== 'online')),
      );
      const call = await boss.ok<Call>('call:place', { staffId: ana.id });
      await h.idle();
      const pushed = (await h.emulator!.requests({ token: old.voipToken })).map(
        (r) => JSON.parse(r.body).switchboard,
      );
      expect(pushed).toEqual([expect.objectContaining({ kind: 'call', callId: call.id })]);
      const legs = new Map(call.devices.map((d) => [d.deviceId, d.state]));
      expect(legs).toEqual(
        new Map([
          [old.deviceId, 'ended'],
          [repaired.deviceId, 'pending'],
        ]),
      );
    } finally {
      again.close();
    }
  });
});
