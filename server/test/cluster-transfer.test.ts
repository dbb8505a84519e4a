import { describe, expect, it } from 'vitest';
import { type Call, liveTransfer, transfersOf } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import type { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
type Signal = { callId: string; from: string; signal: { type: string; sdp?: string } };
const RING_MS = 20_000;
const GRACE_MS = 10_000;

/**
 * Transfers across cluster nodes: the first agent, the chosen one and the phone each on a node of
 * their own, and one of those nodes going away while the transfer is under way.
 */
describe('transfers across the nodes of a cluster', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3, config: { ringTimeoutMs: RING_MS, reconnectGraceMs: GRACE_MS } }, (cluster) => {
    c = cluster;
  });

  /** Alice on node 0 in an active call with the phone on node 2; Bob on node 1. */
  async function activeCall() {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(2, alice, ana.id);
    await until('node 0 to see the phone and Bob', () => {
      const presence = c.nodes[0]!.server.presence;
      return presence.isDeviceOnline(phone.deviceId) && presence.onlineAgentIds().includes(bob.agentId);
    });
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id);
    for (const event of ['reported', 'answered', 'connected']) await phone.report(call.id, event);
    await alice.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    return { alice, bob, phone, call };
  }

  const changed = (client: TestClient, id: string, match: (c: Call) => boolean) =>
    client.waitFor<Changed>('call:changed', (p) => p.call.id === id && match(p.call)).then((p) => p.call);

  /**
   * Node 0 (Alice's, where the transfer started and its ring timer runs) stops. A node killed
   * outright (its parties then get the reconnect grace) is cluster-kill.test.ts's.
   */
  async function firstNodeGoes() {
    await c.idle();
    await c.nodes[0]!.server.close();
    c.nodes.splice(0, 1);
  }

  /**
   * A node stores a change and acks it, then dies before its broadcast leaves (persist → ack →
   * broadcast): no other node's view hears of it. Here the change is written as that node would
   * have, with no broadcast: a blind transfer to Bob, ringing.
   */
  async function storedUnheard(call: Call, bobId: string): Promise<Call> {
    const latest = (await c.storage.calls.get(call.id))!;
    const at = c.clock.now();
    const next: Call = {
      ...latest,
      timeline: [
        ...latest.timeline,
        { ...latest.timeline.at(-1)!, event: 'transfer:requested', at, source: 'agent' },
      ],
      transfers: [
        {
          kind: 'blind',
          fromAgentId: latest.agentId!,
          toAgentId: bobId,
          fromName: 'alice',
          toName: 'bob',
          state: 'ringing',
          startedAt: at,
          ringUntil: at + RING_MS,
          acceptedAt: null,
          endedAt: null,
          detail: null,
        },
      ],
    } as Call;
    await c.storage.calls.save(next);
    return next;
  }

  it('the first agent’s grace runs out while a transfer rings that no node heard of: the call waits for the chosen agent', async () => {
    const { alice, bob, call } = await activeCall();
    await storedUnheard(call, bob.agentId);
    alice.close();
    await until('the nodes to see Alice gone', () =>
      c.nodes.every((n) => !n.server.presence.onlineAgentIds().includes(alice.agentId)),
    );
    await c.idle();
    c.clock.advance(GRACE_MS + 1000);
    await c.idle();
    // Decided from each node's view, the call failed: none of them knew a transfer rang.
    const now = await c.storage.calls.get(call.id);
    expect(now).toMatchObject({ state: 'active' });
    expect(liveTransfer(now!)?.state).toBe('ringing');
  });

  it('the first agent’s node goes away while it rings: the chosen agent on another node takes the call and its media', async () => {
    const { alice, bob, phone, call } = await activeCall();
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'blind' });
    await changed(bob, call.id, (x) => liveTransfer(x)?.state === 'ringing');
    await firstNodeGoes();

    const taken = await bob.ok<Call>('transfer:accept', { callId: call.id });
    expect(taken.agentId).toBe(bob.agentId);
    await changed(phone, call.id, (x) => x.agentId === bob.agentId);
    // The phone on node 2 and Bob's console on node 1 reach each other now.
    await bob.ok('rtc:signal', { callId: call.id, signal: { type: 'offer', sdp: 'bob' } });
    await phone.waitFor<Signal>('rtc:signal', (s) => s.signal.sdp === 'bob');
    await phone.ok('rtc:signal', { callId: call.id, signal: { type: 'answer', sdp: 'phone' } });
    await bob.waitFor<Signal>('rtc:signal', (s) => s.from === phone.deviceId);

    c.clock.advance(RING_MS + GRACE_MS);
    await c.idle();
    expect(await c.storage.calls.get(call.id)).toMatchObject({ state: 'active', agentId: bob.agentId });
  });

  it('the first agent’s node goes away and nobody answers: another node ends the transfer at its ring time', async () => {
    const { alice, bob, phone, call } = await activeCall();
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'warm' });
    await changed(phone, call.id, (x) => x.held);
    await firstNodeGoes();

    c.clock.advance(RING_MS - 1_000);
    await c.idle();
    expect(liveTransfer((await c.storage.calls.get(call.id))!)?.state).toBe('ringing');
    // No timer of node 0 is left: a sweep of node 1 or 2 ends it, once, and the phone is off hold.
    c.clock.advance(2_000);
    const missed = await changed(bob, call.id, (x) => transfersOf(x).at(-1)?.state === 'missed');
    expect(missed).toMatchObject({ agentId: alice.agentId, held: false, state: 'active' });
    await changed(phone, call.id, (x) => !x.held);
    c.clock.advance(RING_MS);
    await c.idle();
    const stored = (await c.storage.calls.get(call.id))!;
    expect(stored.timeline.filter((e) => e.event === 'transfer:missed')).toHaveLength(1);
  });
});
