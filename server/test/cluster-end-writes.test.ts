import { describe, expect, it } from 'vitest';
import type { AgentAvailability, Call } from '#shared';
import { clusterPerTest, type TestCluster } from '../../test-support/cluster';
import { sentToPostgres } from '../../test-support/pg-queries';

type Changed = { call: Call };
type Agents = { agents: AgentAvailability[] };

/**
 * What a call's end writes besides the call (the agent's after-call work) goes in the round trip
 * that stores the call's end with its lock's release (cluster/lock.ts `persist`), in its
 * transaction: no statement of its own before it.
 */
describe("a cluster node's writes at a call's end", () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  it("stores the agent's after-call work with the call's end, in one query", async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id);
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await c.idle();
    const sent = await sentToPostgres(async () => {
      await alice.ok('call:hangup', { callId: call.id });
      await alice.waitFor<Agents>('availability:changed', ({ agents }) =>
        agents.some((a) => a.agentId === alice.agentId && a.state === 'afterCall'),
      );
    });
    const writes = sent.filter((q) => /insert into "agent_availability"/.test(q));
    expect(writes).toHaveLength(1);
    // With the call's lock and the check that the node's copy of the call is the one stored.
    expect(writes[0]).toMatch(
      /^select pg_advisory_xact_lock.*; select call_unchanged.*insert into "agent_availability".*; insert into calls .*$/s,
    );
  });
});
