import { describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';

type Changed = { call: Call };
const ofCall = (id: string, state?: Call['state']) => (p: Changed) =>
  p.call.id === id && (state === undefined || p.call.state === state);

const GRACE_MS = 30_000;

/**
 * Reconnect graces are rows in PostgreSQL (cluster_timers): the node that saw a party drop may go
 * away, and another node still ends the call when the grace runs out.
 */
describe('reconnect graces outlive the node that started them', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3, config: { reconnectGraceMs: GRACE_MS } }, (cluster) => {
    c = cluster;
  });

  /** Agent on node 0, phone on node 1, in an active call. */
  async function activeCall() {
    const agent = await c.agent(0, 'alice');
    const ana = await c.staff(agent, 'Ana');
    const phone = await c.phone(1, agent, ana.id);
    await until('node 0 to see the phone', () => c.nodes[0]!.server.presence.isDeviceOnline(phone.deviceId));
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.waitFor<Changed>('call:changed', ofCall(call.id));
    for (const event of ['reported', 'answered', 'connected']) await phone.report(call.id, event);
    await agent.waitFor<Changed>('call:changed', ofCall(call.id, 'active'));
    return { agent, phone, call };
  }

  const graceRows = () => c.timerRows('grace');
  const lostPhone = (call: Call | null | undefined) =>
    call?.timeline.filter((e) => /phone lost its connection/.test(e.detail ?? '')) ?? [];

  it("the phone's node stops after the phone dropped: another node ends the call when the grace is over", async () => {
    const { agent, phone, call } = await activeCall();
    phone.close();
    await until('the grace to be stored', async () => (await graceRows()).length === 1);
    await c.nodes[1]!.server.close();
    c.nodes.splice(1, 1);

    c.clock.advance(GRACE_MS - 1000);
    await c.idle();
    expect((await c.storage.calls.get(call.id))?.state).toBe('active');
    c.clock.advance(2000);
    const ended = await agent.waitFor<Changed>('call:changed', ofCall(call.id, 'ended'));
    expect(ended.call.endReason).toBe('failed');
    expect(lostPhone(ended.call)).toHaveLength(1);
    await c.idle();
    expect(await graceRows()).toEqual([]);
    expect(lostPhone(await c.storage.calls.get(call.id))).toHaveLength(1);
  });

  it('the phone comes back through another node within the grace: the call goes on', async () => {
    const { agent, phone, call } = await activeCall();
    phone.close();
    await until('the grace to be stored', async () => (await graceRows()).length === 1);
    const back = await c.reconnectPhone(2, phone);
    await until('the grace to be over', async () => (await graceRows()).length === 0);

    c.clock.advance(GRACE_MS + 5000);
    await c.idle();
    expect((await c.storage.calls.get(call.id))?.state).toBe('active');
    expect(agent.eventsNamed<Changed>('call:changed').some(ofCall(call.id, 'ended'))).toBe(false);
    await back.ok('call:report', { callId: call.id, event: 'ended', at: c.clock.now(), seq: 100 });
    expect((await agent.waitFor<Changed>('call:changed', ofCall(call.id, 'ended'))).call.endReason).toBe(
      'completed',
    );
  });

  it('a node that stops while APNs refuses its cancel hands the cancel to another node', async () => {
    const agent = await c.agent(0, 'alice');
    const ana = await c.staff(agent, 'Ana');
    const phone = await c.phone(1, agent, ana.id);
    await until('node 0 to see the phone', () => c.nodes[0]!.server.presence.isDeviceOnline(phone.deviceId));
    const pushes = inbox(c.emulator, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    await phone.report(call.id, 'reported');
    // APNs refuses the cancel node 0 sends; its retry waits out a backoff when node 0 stops.
    c.emulator.fault(phone.voipToken, { type: 'status', status: 503, count: 'forever' });
    await agent.ok('call:hangup', { callId: call.id });
    const tried = () =>
      c.emulator
        .requests({ token: phone.voipToken })
        .some((r) => r.body.includes('"cancel"') && r.status === 503);
    await until('node 0 to try the cancel', tried);
    await c.nodes[0]!.server.close();
    c.nodes.splice(0, 1);
    c.emulator.clearFaults(phone.voipToken);

    const cancel = await pushes.next((p) => p.kind === 'cancel');
    expect(cancel).toMatchObject({ callId: call.id, reason: 'cancelled' });
    await until('the cancel row to go', async () => (await c.timerRows('cancel')).length === 0);
    await c.idle();
    const stored = await c.storage.calls.get(call.id);
    expect(stored?.pushes.filter((p) => p.kind === 'cancel' && p.outcome === 'accepted')).toHaveLength(1);
    expect(pushes.pushes.filter((p) => p.kind === 'cancel')).toHaveLength(1);
  });
});
