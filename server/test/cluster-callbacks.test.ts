import { describe, expect, it } from 'vitest';
import type { Call, Callback } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';

type Changed = { callbacks: Callback[] };

/**
 * The callbacks queue across cluster nodes: it lives in PostgreSQL, so what one node queues or
 * one agent claims, every node sees, and two nodes racing meet in the database.
 */
describe('callbacks across the nodes of a cluster', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  it('queues one callback when a caller’s two phones find nobody on two nodes at once; one claim of two wins', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const iphone = await c.phone(0, alice, ana.id);
    const ipad = await c.phone(1, alice, ana.id);
    for (const a of [alice, bob]) await a.ok('availability:set', { state: 'away' });
    await until('both nodes to see both phones', () =>
      c.nodes.every(
        (n) =>
          n.server.presence.isDeviceOnline(iphone.deviceId) &&
          n.server.presence.isDeviceOnline(ipad.deviceId),
      ),
    );

    const [one, two] = await Promise.all([
      iphone.ok<Call>('call:start', {}),
      ipad.ok<Call>('call:start', {}),
    ]);
    expect([one.endReason, two.endReason]).toEqual(['noAgentAvailable', 'noAgentAvailable']);
    // Each console, on its own node, hears of the second; there is one callback, counting both.
    for (const agent of [alice, bob]) {
      await agent.waitFor<Changed>('callbacks:changed', (p) =>
        p.callbacks.some((cb) => cb.missedCalls === 2),
      );
    }
    const { callbacks } = await bob.ok<Changed>('callbacks:list', {});
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ staffId: ana.id, missedCalls: 2 });

    const id = callbacks[0]!.id;
    const answers = await Promise.all([
      alice.request('callback:claim', { callbackId: id }),
      bob.request('callback:claim', { callbackId: id }),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    const winner = answers[0]!.ok ? alice : bob;
    const loser = winner === alice ? bob : alice;
    await loser.waitFor<Changed>('callbacks:changed', (p) =>
      p.callbacks.some((cb) => cb.id === id && cb.claimedBy === winner.agentId),
    );
    // The winner calls back from their node; the phone answering closes it for everyone.
    const { call } = await winner.ok<{ call: Call }>('callback:call', { callbackId: id });
    await iphone.waitFor<{ call: Call }>('call:changed', (p) => p.call.id === call.id);
    await iphone.report(call.id, 'reported');
    await iphone.report(call.id, 'answered');
    await loser.waitFor<Changed>('callbacks:changed', (p) =>
      p.callbacks.some((cb) => cb.id === id && cb.state === 'closed' && cb.closeReason === 'answered'),
    );
    expect((await loser.ok<Changed>('callbacks:list', {})).callbacks).toEqual([]);
  });
});
