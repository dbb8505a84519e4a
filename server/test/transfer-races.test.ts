import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Ack, type Call, liveTransfer, transfersOf } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
const RING_MS = 20_000;
const GRACE_MS = 5_000;
const AWAY_MS = 2_000;

/**
 * What happens to a transfer when the world moves under it, over real sockets: the phone hangs
 * up, a console closes, both agents act at the same moment.
 */
describe.each(ENGINES)('transfer races on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({
      engine,
      apns: false,
      config: {
        ringTimeoutMs: RING_MS,
        reconnectGraceMs: GRACE_MS,
        awayGraceMs: AWAY_MS,
        afterCallWorkMs: 0,
      },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  async function liveCall() {
    const alice = await h.agent('alice');
    const bob = await h.agent('bob', 'agent');
    const ana = await h.staff(alice, 'Ana');
    const phone = await h.phone(alice, ana.id, { token: false });
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    return { alice, bob, ana, phone, call };
  }

  const changed = (client: TestClient, id: string, match: (c: Call) => boolean) =>
    client.waitFor<Changed>('call:changed', (p) => p.call.id === id && match(p.call)).then((p) => p.call);
  const stored = async (id: string) => (await h.storage.calls.get(id))!;
  /** Waits, turn by turn without a timer, until the server has processed a console's disconnect. */
  const offline = async (agentId: string) => {
    for (let turns = 0; h.server.presence.onlineAgentIds().includes(agentId); turns++) {
      if (turns > 10_000) throw new Error('the server never saw the console close');
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const transfer = (alice: TestClient, bob: { agentId: string }, callId: string, kind: 'blind' | 'warm') =>
    alice.ok<Call>('transfer:start', { callId, toAgentId: bob.agentId, kind });

  it('the phone hangs up while the transfer rings: the chosen console stops ringing', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await transfer(alice, bob, call.id, 'blind');
    await changed(bob, call.id, (c) => liveTransfer(c)?.state === 'ringing');
    await phone.report(call.id, 'ended');
    const over = await changed(bob, call.id, (c) => c.state === 'ended');
    expect(over.endReason).toBe('completed');
    expect(transfersOf(over).at(-1)).toMatchObject({ state: 'cancelled', detail: 'the call ended' });
    await changed(alice, call.id, (c) => c.state === 'ended');
    expect(await bob.request('transfer:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_ENDED' },
    });
    // Its deadline finds nothing to do.
    h.clock.advance(RING_MS);
    await h.idle();
    expect(await stored(call.id)).toEqual(over);
  });

  it('the phone hangs up during a consultation: both consoles learn the call is over', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await transfer(alice, bob, call.id, 'warm');
    await bob.ok('transfer:accept', { callId: call.id });
    await phone.report(call.id, 'ended');
    for (const agent of [alice, bob]) await changed(agent, call.id, (c) => c.state === 'ended');
    expect(await alice.request('consult:signal', { callId: call.id, signal: { type: 'bye' } })).toMatchObject(
      {
        ok: false,
        error: { code: 'CALL_ENDED' },
      },
    );
    expect(await alice.request('transfer:complete', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_ENDED' },
    });
  });

  it('the first agent closes their console while a blind transfer rings: the chosen agent still takes it', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await transfer(alice, bob, call.id, 'blind');
    alice.close();
    await offline(alice.agentId);
    h.clock.advance(GRACE_MS - 1_000);
    const taken = await bob.ok<Call>('transfer:accept', { callId: call.id });
    expect(taken.agentId).toBe(bob.agentId);
    // Alice's grace runs out: the call is no longer hers, and goes on.
    h.clock.advance(2_000);
    await h.idle();
    expect(await stored(call.id)).toMatchObject({ state: 'active', agentId: bob.agentId });
    await bob.ok('rtc:signal', { callId: call.id, signal: { type: 'offer', sdp: 'bob' } });
    await phone.waitFor('rtc:signal');
  });

  it('the first agent closes their console during a consultation: after the grace the call is the second’s', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await transfer(alice, bob, call.id, 'warm');
    await bob.ok('transfer:accept', { callId: call.id });
    alice.close();
    await offline(alice.agentId);
    h.clock.advance(GRACE_MS);
    const handed = await changed(bob, call.id, (c) => c.agentId === bob.agentId);
    expect(handed).toMatchObject({ state: 'active', held: false });
    expect(transfersOf(handed).at(-1)).toMatchObject({
      state: 'completed',
      detail: `the first agent's console lost its connection and did not come back within ${GRACE_MS / 1000} s`,
    });
    expect(handed.timeline.at(-1)).toMatchObject({ event: 'transfer:completed', source: 'server' });
    await changed(phone, call.id, (c) => c.agentId === bob.agentId && !c.held);
  });

  it('the first agent is gone and nobody takes the transfer: the call fails after a grace of its own', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await transfer(alice, bob, call.id, 'blind');
    alice.close();
    await offline(alice.agentId);
    // Alice's grace ends while the transfer still rings: the call waits for Bob.
    h.clock.advance(GRACE_MS);
    await h.idle();
    expect(liveTransfer(await stored(call.id))?.state).toBe('ringing');
    // Nobody answered: back to Alice, who is gone; one more grace and the call fails.
    h.clock.advance(RING_MS - GRACE_MS);
    await changed(bob, call.id, (c) => transfersOf(c).at(-1)?.state === 'missed');
    expect((await stored(call.id)).state).toBe('active');
    h.clock.advance(GRACE_MS);
    const failed = await changed(phone, call.id, (c) => c.state === 'ended');
    expect(failed.endReason).toBe('failed');
  });

  it('the chosen agent goes Away while it rings: the transfer ends, the call stays with the first', async () => {
    for (const kind of ['blind', 'warm'] as const) {
      const { alice, bob, phone, call } = await liveCall();
      await transfer(alice, bob, call.id, kind);
      await changed(bob, call.id, (c) => liveTransfer(c)?.state === 'ringing');
      await bob.ok('availability:set', { state: 'away' });
      const back = await changed(alice, call.id, (c) => transfersOf(c).at(-1)?.state === 'cancelled');
      expect(back).toMatchObject({ agentId: alice.agentId, held: false, state: 'active' });
      expect(transfersOf(back).at(-1)?.detail).toBe('they went away');
      await changed(bob, call.id, (c) => transfersOf(c).at(-1)?.state === 'cancelled');
      expect(await bob.request('transfer:accept', { callId: call.id })).toMatchObject({
        ok: false,
        error: { code: 'INVALID_TRANSITION' },
      });
      // Away, Bob is not offered again; Available, he is.
      const offered = async () =>
        (
          await alice.ok<{ agents: { agentId: string }[] }>('transfer:targets', { callId: call.id })
        ).agents.map((a) => a.agentId);
      expect(await offered()).not.toContain(bob.agentId);
      await bob.ok('availability:set', { state: 'available' });
      expect(await offered()).toContain(bob.agentId);
      await phone.report(call.id, 'ended');
      alice.close();
      bob.close();
      await offline(alice.agentId);
      await offline(bob.agentId);
    }
  });

  it('the chosen agent’s console closes while it rings: once they are Away the transfer ends', async () => {
    const { alice, bob, call } = await liveCall();
    await transfer(alice, bob, call.id, 'blind');
    bob.close();
    await offline(bob.agentId);
    h.clock.advance(AWAY_MS - 1);
    await h.idle();
    expect(liveTransfer(await stored(call.id))?.state).toBe('ringing');
    // Away (its grace is shorter than the reconnect grace here, as by default): the transfer ends.
    h.clock.advance(1);
    const back = await changed(alice, call.id, (c) => transfersOf(c).at(-1)?.state === 'cancelled');
    expect(transfersOf(back).at(-1)?.detail).toBe('they went away');
    expect(back.agentId).toBe(alice.agentId);
  });

  it('a reload of the chosen console keeps the transfer ringing, and resyncs it', async () => {
    const { alice, bob, call } = await liveCall();
    await transfer(alice, bob, call.id, 'blind');
    bob.close();
    const again = await h.agent('bob', 'agent');
    // The resync brings the ringing transfer back to the reloaded console.
    await changed(again, call.id, (c) => liveTransfer(c)?.toAgentId === again.agentId);
    h.clock.advance(GRACE_MS);
    await h.idle();
    expect((await again.ok<Call>('transfer:accept', { callId: call.id })).agentId).toBe(again.agentId);
  });

  it('the first agent cancels as the chosen one accepts: one of them wins, and both see the same', async () => {
    for (const kind of ['blind', 'warm'] as const) {
      const { alice, bob, phone, call } = await liveCall();
      await transfer(alice, bob, call.id, kind);
      const [cancel, accept] = await Promise.all([
        alice.request<Call>('transfer:cancel', { callId: call.id }),
        bob.request<Call>('transfer:accept', { callId: call.id }),
      ]);
      const won = [cancel, accept].filter((a): a is Extract<Ack<Call>, { ok: true }> => a.ok);
      expect(won.length).toBeGreaterThanOrEqual(1);
      const final = await stored(call.id);
      const last = transfersOf(final).at(-1)!;
      if (cancel.ok && accept.ok) {
        // The accept came first (a warm one then consulted) and the cancel ended the consultation.
        expect(kind).toBe('warm');
        expect(last.state).toBe('cancelled');
      } else if (cancel.ok) {
        expect(last.state).toBe('cancelled');
        expect(accept).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } });
      } else {
        expect(cancel).toMatchObject({ ok: false });
        expect(last.state).toBe(kind === 'blind' ? 'completed' : 'consulting');
      }
      const owner = final.agentId === bob.agentId ? bob : alice;
      await changed(owner, call.id, (c) => JSON.stringify(c) === JSON.stringify(final));
      await phone.report(call.id, 'ended');
      alice.close();
      bob.close();
      await h.idle();
    }
  });

  it('two agents hand their calls to the same agent at once: one of them is refused', async () => {
    const { alice, bob, call } = await liveCall();
    const carol = await h.agent('carol');
    const ben = await h.staff(carol, 'Ben');
    const bens = await h.phone(carol, ben.id, { token: false });
    const other = await carol.ok<Call>('call:place', { staffId: ben.id });
    await bens.report(other.id, 'answered');
    const results = await Promise.all([
      alice.request('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'blind' }),
      carol.request('transfer:start', { callId: other.id, toAgentId: bob.agentId, kind: 'warm' }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
  });
});
