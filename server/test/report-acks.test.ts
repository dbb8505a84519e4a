import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };

const EVERY_CHANGE = ['dialing', 'ringing', 'connecting', 'active', 'ended'];
type Phone = Awaited<ReturnType<Harness['phone']>>;

/**
 * A phone that announces `reportAcks` takes each `call:report`'s ack, which carries the call as the
 * report left it, as the call's change: the socket that reported is sent no `call:changed` for it
 * (three whole calls fewer per answered call). Its other sockets, the console, and phones that did
 * not announce it hear every change as before.
 */
async function answerCall(agent: TestClient, phone: Phone, staffId: string) {
  const placed = await agent.ok<Call>('call:place', { staffId });
  const states: string[] = [];
  for (const event of ['reported', 'answered', 'connected']) {
    const ack = await phone.report(placed.id, event);
    if (!ack.ok) throw new Error(`${event} refused: ${ack.error.message}`);
    states.push(ack.data.state);
  }
  // The ack of each report is the call as it left it.
  expect(states).toEqual(['ringing', 'connecting', 'active']);
  await agent.waitFor<Changed>('call:changed', (p) => p.call.id === placed.id && p.call.state === 'active');
  await agent.ok('call:hangup', { callId: placed.id });
  return placed;
}

describe('a phone that takes its reports’ acks as the changes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  it('is not sent the changes its own reports made; its other socket and the console are', async () => {
    const boss = await h.agent('boss');
    const ana = await h.staff(boss, 'Ana');
    const phone = await h.phone(boss, ana.id, { token: false, features: ['reportAcks'] });
    const call = await answerCall(boss, phone, ana.id);
    await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
    // The placement, then the agent's hang-up: the three reports' changes came in their acks.
    expect(await phone.callStatesHeard(call.id)).toEqual(['dialing', 'ended']);
    expect(
      boss.eventsNamed<Changed>('call:changed').filter((p) => p.call.id === call.id).length,
    ).toBeGreaterThanOrEqual(4);

    // A second socket of the same phone (a reconnect racing the old one) hears every change.
    const again = await h.reconnectPhone(phone, ['reportAcks']);
    const second = await answerCall(boss, phone, ana.id);
    await again.waitFor<Changed>('call:changed', (p) => p.call.id === second.id && p.call.state === 'ended');
    expect(await again.callStatesHeard(second.id)).toEqual(EVERY_CHANGE);
    expect(await phone.callStatesHeard(second.id)).toEqual(['dialing', 'ended']);
  });

  it('leaves a phone that did not announce it as it was: every change', async () => {
    const boss = await h.agent('boss');
    const ana = await h.staff(boss, 'Ana');
    const phone = await h.phone(boss, ana.id, { token: false });
    const call = await answerCall(boss, phone, ana.id);
    await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
    expect(await phone.callStatesHeard(call.id)).toEqual(EVERY_CHANGE);
  });
});

describe('a phone that takes its reports’ acks as the changes, in a cluster', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3 }, (cluster) => {
    c = cluster;
  });

  it('is not sent its own reports’ changes through any node; its socket on another node is', async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id, { features: ['reportAcks'] });
    await until('every node to see the phone', () =>
      c.nodes.every((n) => n.server.presence.isDeviceOnline(phone.deviceId)),
    );
    const call = await answerCall(alice, phone, ana.id);
    await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
    expect(await phone.callStatesHeard(call.id)).toEqual(['dialing', 'ended']);

    const elsewhere = await c.reconnectPhone(2, phone, ['reportAcks']);
    await until('node 1 to know of the socket on node 2', () =>
      c.nodes[1]!.server.presence.isDeviceOnline(phone.deviceId),
    );
    const second = await answerCall(alice, phone, ana.id);
    await elsewhere.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === second.id && p.call.state === 'ended',
    );
    expect(await elsewhere.callStatesHeard(second.id)).toEqual(EVERY_CHANGE);
    expect(await phone.callStatesHeard(second.id)).toEqual(['dialing', 'ended']);
  });
});
