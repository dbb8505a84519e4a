import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Call, createCall } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
const ofCall = (id: string, state?: Call['state']) => (p: Changed) =>
  p.call.id === id && (state === undefined || p.call.state === state);

describe('across nodes: the other outcomes, push records, a console moving node', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3 }, (cluster) => {
    c = cluster;
  });

  const seesPhone = (deviceId: string) => () =>
    c.nodes.every((n) => n.server.presence.isDeviceOnline(deviceId));

  it('busy: the phone on node 1 is in a call placed on node 0; a call from node 2 finds it busy', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(2, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await until('every node to see the phone', seesPhone(phone.deviceId));
    const first = await alice.ok<Call>('call:place', { staffId: ana.id });
    for (const event of ['reported', 'answered', 'connected']) await phone.report(first.id, event);
    await alice.waitFor<Changed>('call:changed', ofCall(first.id, 'active'));

    const second = await bob.ok<Call>('call:place', { staffId: ana.id });
    expect(second).toMatchObject({ state: 'ended', endReason: 'busy' });
    expect((await c.storage.calls.get(first.id))?.state).toBe('active');
  });

  it('an agent busy with a call another node stored (its word over Redis not in yet) can neither place nor accept another', async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const ben = await c.staff(alice, 'Ben');
    const phone = await c.phone(1, alice, ben.id);
    await until('every node to see the phone', seesPhone(phone.deviceId));
    // What a node stores under alice's lock before its broadcast reaches the others.
    const now = c.clock.now();
    const elsewhere = createCall({
      id: randomUUID(),
      direction: 'outbound',
      agentId: alice.agentId,
      staffId: ana.id,
      deviceIds: [],
      handle: 'Switchboard',
      callerName: 'Support · alice',
      video: false,
      createdAt: now,
      ringUntil: now + 45_000,
      source: 'agent',
    });
    await c.storage.calls.save(elsewhere);

    expect(await alice.request('call:place', { staffId: ben.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    const inbound = await phone.ok<Call>('call:start', { video: false });
    expect(await alice.request('call:accept', { callId: inbound.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    expect((await c.storage.calls.get(inbound.id))?.agentId).toBeNull();
  });

  it('unreachable: a phone with no push token and no socket on any node', async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await until('every node to see the phone', seesPhone(phone.deviceId));
    await c.storage.devices.markTokenInvalid(
      phone.deviceId,
      phone.voipToken,
      '410 Unregistered',
      c.clock.now(),
    );
    phone.close();
    await until('every node to see the phone leave', () =>
      c.nodes.every((n) => !n.server.presence.isDeviceOnline(phone.deviceId)),
    );
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    expect(call).toMatchObject({ state: 'ended', endReason: 'unreachable' });
    expect(call.pushes).toEqual([]);
  });

  it('each APNs attempt is on the call once, whichever node made it', async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await until('every node to see the phone', seesPhone(phone.deviceId));
    const pushes = inbox(c.emulator, phone.voipToken);
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'ended', 'declined');
    await alice.waitFor<Changed>('call:changed', ofCall(call.id, 'ended'));
    // A second call, ended by a deadline any node may fire, with a cancel from whichever did.
    const next = await alice.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call' && p.callId === next.id);
    await c.idle();
    c.clock.advance(46_000);
    await pushes.next((p) => p.kind === 'cancel' && p.callId === next.id);
    c.clock.advance(5_000);
    await c.idle();

    const answered = c.emulator.requests({ token: phone.voipToken }).filter((r) => r.status === 200);
    const recorded = [];
    for (const id of [call.id, next.id]) recorded.push(...((await c.storage.calls.get(id))?.pushes ?? []));
    expect(recorded.map((p) => p.apnsId).sort()).toEqual(answered.map((r) => r.apnsId).sort());
    expect(recorded).toHaveLength(3); // two call pushes and one cancel; the declined call needs none
  });

  it('a console that drops from node 0 and comes back through node 2 catches up with what it missed', async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await until('every node to see the phone', seesPhone(phone.deviceId));
    const first = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(first.id, 'reported');
    await alice.waitFor<Changed>('call:changed', ofCall(first.id, 'ringing'));

    alice.close();
    // While it is away: the call is answered and hung up, and ends completed.
    for (const event of ['answered', 'connected', 'ended']) await phone.report(first.id, event);
    await until(
      'node 2 to see the call ended',
      () => !c.nodes[2]!.server.presence.onlineAgentIds().includes(alice.agentId),
    );

    const back = await TestClient.connect(`${c.nodes[2]!.url}/agent`, { token: alice.token });
    await back.waitFor('roster:snapshot');
    const sync = await back.ok<{ live: Call[]; ended: Call[] }>('call:sync', { callIds: [first.id] });
    expect(sync.live).toEqual([]);
    expect(sync.ended).toHaveLength(1);
    expect(sync.ended[0]).toMatchObject({ id: first.id, state: 'ended', endReason: 'completed' });

    // And it is live again on its new node: the next call's changes reach it there.
    const next = await back.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(next.id, 'reported');
    await back.waitFor<Changed>('call:changed', ofCall(next.id, 'ringing'));
    back.close();
  });
});
