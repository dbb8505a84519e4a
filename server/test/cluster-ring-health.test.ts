import { describe, expect, it } from 'vitest';
import type { Call, HealthAlert, PhoneRecord } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';

type Changed = { call: Call };
type Records = { phones: PhoneRecord[] };

/**
 * Ring records in cluster mode (issue 25 item 1): calls placed and ended on different nodes, at the
 * same time, for the same phone, add up in the same rollups; an alert goes out once per change.
 */
describe('ring records across cluster nodes', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3 }, (cluster) => {
    c = cluster;
  });

  it('counts every ring once when nodes end calls to the same phone at the same time', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(2, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await until('every node to see the phone', () =>
      c.nodes.every((n) => n.server.presence.isDeviceOnline(phone.deviceId)),
    );
    const rounds = 6;
    for (let i = 0; i < rounds; i++) {
      const calls = await Promise.all([
        alice.ok<Call>('call:place', { staffId: ana.id }),
        bob.ok<Call>('call:place', { staffId: ana.id }),
      ]);
      await c.idle();
      c.clock.advance(300);
      for (const call of calls) await phone.report(call.id, 'reported');
      await Promise.all([
        alice.ok('call:hangup', { callId: calls[0]!.id }),
        bob.ok('call:hangup', { callId: calls[1]!.id }),
      ]);
      await Promise.all([
        alice.waitFor<Changed>('call:changed', (p) => p.call.id === calls[0]!.id && p.call.state === 'ended'),
        bob.waitFor<Changed>('call:changed', (p) => p.call.id === calls[1]!.id && p.call.state === 'ended'),
      ]);
    }
    await c.idle();
    const { phones } = await bob.ok<Records>('health:records', {});
    expect(phones.find((r) => r.deviceId === phone.deviceId)?.week).toMatchObject({
      pushes: 2 * rounds,
      accepted: 2 * rounds,
      rang: 2 * rounds,
      notRung: 0,
    });
  });

  it('alerts every admin once when a phone turns Not ringing, whichever nodes saw its calls end', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(2, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    c.emulator.setOnline(phone.voipToken, false);
    const consoles = [alice, bob, alice, bob];
    for (const agent of consoles) {
      const call = await agent.ok<Call>('call:place', { staffId: ana.id });
      await c.idle();
      c.clock.advance(45_000);
      await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
      await c.idle();
    }
    for (const agent of [alice, bob]) {
      const alert = await agent.waitFor<HealthAlert>('health:alert', (a) => a.deviceId === phone.deviceId);
      expect(alert.state).toBe('notRinging');
    }
    const records = await alice.waitFor<Records>('health:changed', (p) =>
      p.phones.some((r) => r.deviceId === phone.deviceId && r.notRungStreak === 4),
    );
    expect(records.phones[0]?.week).toMatchObject({ notRung: 4, rang: 0 });
    await c.idle();
    for (const agent of [alice, bob]) {
      expect(
        agent.eventsNamed<HealthAlert>('health:alert').filter((a) => a.deviceId === phone.deviceId),
      ).toHaveLength(1);
    }
  });
});
