import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { startCluster, type TestCluster, until } from '../../test-support/cluster';
import { type RedisForTests, startRedis } from '../../test-support/redis';

type Changed = { call: Call };
const TTL_MS = 1500;
const ofCall = (id: string, state?: Call['state']) => (p: Changed) =>
  p.call.id === id && (state === undefined || p.call.state === state);

/**
 * Redis is killed (kill -9, in-memory: it comes back empty) and restarted on its port while a
 * call is active across two nodes. PostgreSQL holds the call, so it completes; presence, which
 * lived only in Redis, is rebuilt by the nodes' heartbeats.
 */
describe('a Redis restart mid-call', () => {
  let redis: RedisForTests;
  let c: TestCluster;
  beforeEach(async () => {
    redis = await startRedis();
    // The TTL to node-redis' reconnect delay (at most 0.55 s) as in production (15 s to 0.55 s), not tighter.
    c = await startCluster({ nodes: 2, redisUrl: redis.url, nodeTtlMs: TTL_MS });
  });
  afterEach(async () => {
    await c.close();
    await redis.stop();
  });

  const everyNodeSees = (deviceId: string, agentId: string) =>
    c.nodes.every(
      (n) =>
        n.server.presence.isDeviceOnline(deviceId) && n.server.presence.onlineAgentIds().includes(agentId),
    );

  it('the call completes, presence recovers, and the next call rings across nodes', async () => {
    const agent = await c.agent(0, 'alice');
    const ana = await c.staff(agent, 'Ana');
    const phone = await c.phone(1, agent, ana.id);
    await until('every node to see both parties', () => everyNodeSees(phone.deviceId, agent.agentId), 8000);
    const pushes = inbox(c.emulator, phone.voipToken);

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    await agent.waitFor<Changed>('call:changed', ofCall(call.id, 'active'));

    const port = redis.port;
    await redis.stop(true);
    // Gone for longer than a node's TTL: nobody may be declared dead for it.
    await new Promise((r) => setTimeout(r, TTL_MS + 500));
    redis = await startRedis(port);

    await until(
      'presence to come back on every node',
      () => everyNodeSees(phone.deviceId, agent.agentId),
      8000,
    );
    // No waiting for Socket.IO's adapter: what is broadcast while its reader reconnects stays in
    // the stream and is read once it is back, late but not lost.
    expect((await phone.report(call.id, 'ended')).ok).toBe(true);
    const done = await agent.waitFor<Changed>('call:changed', ofCall(call.id, 'ended'));
    expect(done.call.endReason).toBe('completed');

    const next = await agent.ok<Call>('call:place', { staffId: ana.id });
    expect(next.devices[0]?.state).not.toBe('ended');
    await phone.waitFor<Changed>('call:changed', ofCall(next.id));
    await phone.report(next.id, 'reported');
    await phone.report(next.id, 'ended', 'declined');
    expect((await agent.waitFor<Changed>('call:changed', ofCall(next.id, 'ended'))).call.endReason).toBe(
      'declined',
    );
    await c.idle();
    const first = await c.storage.calls.get(call.id);
    expect(first?.pushes.filter((p) => p.kind === 'call')).toHaveLength(1);
    expect(first?.timeline.filter((e) => e.event === 'answered')).toHaveLength(1);
  }, 30_000);
});
