import { describe, expect, it } from 'vitest';
import { type Call, liveTransfer } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';

/**
 * Issue 22 item 11: a node's call locks hold PostgreSQL connections from a pool; a task that held
 * one while waiting for another from the same pool (a second key, a timer row) deadlocked once
 * every connection was held so. Two connections, more concurrent calls than that.
 */
describe('a cluster node with fewer lock connections than calls at once', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 1, lockPoolSize: 2 }, (cluster) => {
    c = cluster;
  });

  it('accepts, ends and cancels them all', async () => {
    const agents = [];
    for (const name of ['alice', 'bob', 'cleo', 'dan']) agents.push(await c.agent(0, name));
    const phones: { staff: { id: string }; phone: Awaited<ReturnType<TestCluster['phone']>> }[] = [];
    for (const [i, agent] of agents.entries()) {
      const staff = await c.staff(agent, `Staff ${i}`);
      phones.push({ staff, phone: await c.phone(0, agent, staff.id) });
    }
    await until('every console and phone online', () =>
      phones.every(({ phone }) => c.nodes[0]!.server.presence.isDeviceOnline(phone.deviceId)),
    );

    // Each accept takes its agent's lock, then the call's.
    const inbound = await Promise.all(
      phones.map(({ phone }) => phone.ok<Call>('call:start', { video: false })),
    );
    const accepted = await Promise.all(
      agents.map((agent, i) => agent.ok<Call>('call:accept', { callId: inbound[i]!.id })),
    );
    expect(accepted.map((call) => call.agentId)).toEqual(agents.map((a) => a.agentId));
    await Promise.all(agents.map((agent, i) => agent.ok('call:hangup', { callId: inbound[i]!.id })));

    // Each hang-up of a pushed call notes its cancel (a timer row) under the call's lock.
    const outbound = await Promise.all(
      agents.map((agent, i) => agent.ok<Call>('call:place', { staffId: phones[i]!.staff.id })),
    );
    await c.idle();
    const ended = await Promise.all(
      agents.map((agent, i) => agent.ok<Call>('call:hangup', { callId: outbound[i]!.id })),
    );
    expect(ended.map((call) => call.state)).toEqual(agents.map(() => 'ended'));
    await c.idle();
  });
});

/** With one lock connection, a task that asks the pool for a second while holding the first never runs. */
describe('a cluster node with one lock connection', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 1, lockPoolSize: 1 }, (cluster) => {
    c = cluster;
  });

  it('starts transfers, each holding the chosen agent’s key and the call’s on its one connection', async () => {
    const [alice, bob, cleo, dan] = [
      await c.agent(0, 'alice'),
      await c.agent(0, 'bob'),
      await c.agent(0, 'cleo'),
      await c.agent(0, 'dan'),
    ];
    const calls: Call[] = [];
    for (const [i, agent] of [alice, bob].entries()) {
      const staff = await c.staff(agent, `Staff ${i}`);
      const phone = await c.phone(0, agent, staff.id);
      await until('the phone online', () => c.nodes[0]!.server.presence.isDeviceOnline(phone.deviceId));
      const call = await agent.ok<Call>('call:place', { staffId: staff.id });
      await phone.waitFor<{ call: Call }>('call:changed', (p) => p.call.id === call.id);
      for (const event of ['reported', 'answered', 'connected']) await phone.report(call.id, event);
      await agent.waitFor<{ call: Call }>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.state === 'active',
      );
      calls.push(call);
    }

    // Each start takes the chosen agent's lock, then the call's: on the one connection it holds.
    const started = await Promise.all([
      alice.ok<Call>('transfer:start', { callId: calls[0]!.id, toAgentId: cleo.agentId, kind: 'blind' }),
      bob.ok<Call>('transfer:start', { callId: calls[1]!.id, toAgentId: dan.agentId, kind: 'blind' }),
    ]);
    expect(started.map((call) => liveTransfer(call)?.toAgentId)).toEqual([cleo.agentId, dan.agentId]);
    await c.idle();
  });
});
