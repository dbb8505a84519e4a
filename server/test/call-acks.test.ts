import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
type Phone = Awaited<ReturnType<Harness['phone']>>;

/**
 * A console that announces `callAcks` takes the ack of its own call request (place, hang up …),
 * which carries the call as the request left it, as that change: the console that asked is sent no
 * `call:changed` for it. The agent's other consoles, on this node or another, hear every change,
 * and so does a console that did not announce it.
 */
async function callAndHangUp(agent: TestClient, phone: Phone, staffId: string) {
  const placed = await agent.ok<Call>('call:place', { staffId });
  expect(placed.state).toBe('dialing');
  for (const event of ['reported', 'answered', 'connected']) {
    const ack = await phone.report(placed.id, event);
    if (!ack.ok) throw new Error(`${event} refused: ${ack.error.message}`);
  }
  await agent.waitFor<Changed>('call:changed', (p) => p.call.id === placed.id && p.call.state === 'active');
  const ended = await agent.ok<Call>('call:hangup', { callId: placed.id });
  expect(ended.state).toBe('ended');
  return placed;
}

const EVERY_CHANGE = ['dialing', 'ringing', 'connecting', 'active', 'ended'];
/** The phone's reports' changes: the placement and the hang-up were the console's own requests. */
const NOT_ITS_OWN = ['ringing', 'connecting', 'active'];

describe('a console that takes its call requests’ acks as the changes', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  it('is not sent the changes its own requests made, alone or beside another console', async () => {
    const boss = await h.agent('boss', 'admin', ['callAcks']);
    const ana = await h.staff(boss, 'Ana');
    const phone = await h.phone(boss, ana.id, { token: false });
    const call = await callAndHangUp(boss, phone, ana.id);
    expect(await boss.callStatesHeard(call.id)).toEqual(NOT_ITS_OWN);

    // The agent's second console (another tab, without the feature) hears every change.
    const tab = await h.agent('boss');
    const second = await callAndHangUp(boss, phone, ana.id);
    expect(await tab.callStatesHeard(second.id)).toEqual(EVERY_CHANGE);
    expect(await boss.callStatesHeard(second.id)).toEqual(NOT_ITS_OWN);
  });

  it('leaves a console that did not announce it as it was: every change', async () => {
    const boss = await h.agent('boss');
    const ana = await h.staff(boss, 'Ana');
    const phone = await h.phone(boss, ana.id, { token: false });
    const call = await callAndHangUp(boss, phone, ana.id);
    expect(await boss.callStatesHeard(call.id)).toEqual(EVERY_CHANGE);
  });

  it('ignores a feature it does not know: a newer console goes on without it', async () => {
    const boss = await h.agent('boss', 'admin', ['callAcks', 'somethingNew']);
    const ana = await h.staff(boss, 'Ana');
    const phone = await h.phone(boss, ana.id, { token: false });
    const call = await callAndHangUp(boss, phone, ana.id);
    expect(await boss.callStatesHeard(call.id)).toEqual(NOT_ITS_OWN);
  });
});

describe('a console that takes its call requests’ acks as the changes, in a cluster', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3 }, (cluster) => {
    c = cluster;
  });

  it('is not sent its own requests’ changes; the agent’s console on another node is', async () => {
    const tab = await c.agent(2, 'alice');
    await until('node 0 to see alice online through node 2', () =>
      c.nodes[0]!.server.presence.onlineAgentIds().includes(tab.agentId),
    );
    const alice = await c.agent(0, 'alice', ['callAcks']);
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await until('every node to see the phone', () =>
      c.nodes.every((n) => n.server.presence.isDeviceOnline(phone.deviceId)),
    );
    const call = await callAndHangUp(alice, phone, ana.id);
    await tab.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
    expect(await tab.callStatesHeard(call.id)).toEqual(EVERY_CHANGE);
    expect(await alice.callStatesHeard(call.id)).toEqual(NOT_ITS_OWN);
  });
});
