import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Call, handledBy, liveTransfer, type TransferTarget, transfersOf } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
type Signal = { callId: string; from: string; signal: { type: string; sdp?: string } };
const offer = (sdp: string) => ({ type: 'offer', sdp });
const signalsOf = (c: TestClient) => c.eventsNamed<Signal>('rtc:signal').map((s) => [s.from, s.signal.sdp]);
const RING_MS = 20_000;

describe.each(ENGINES)('transferring a live call on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false, config: { ringTimeoutMs: RING_MS } });
  });
  afterEach(async () => {
    await h.close();
  });

  /** Alice on a call with Ana's phone; Bob and Carol signed in. */
  async function liveCall() {
    const alice = await h.agent('alice');
    const bob = await h.agent('bob', 'agent');
    const carol = await h.agent('carol', 'agent');
    const ana = await h.staff(alice, 'Ana');
    const phone = await h.phone(alice, ana.id, { token: false });
    const placed = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(placed.id, 'answered');
    const call = (await phone.report(placed.id, 'connected')) as { ok: true; data: Call };
    expect(call.data.state).toBe('active');
    return { alice, bob, carol, ana, phone, call: call.data };
  }

  const changed = (client: TestClient, id: string, match: (c: Call) => boolean) =>
    client.waitFor<Changed>('call:changed', (p) => p.call.id === id && match(p.call)).then((p) => p.call);

  it('blind: the chosen agent rings, accepts, and the phone’s media goes to them alone', async () => {
    const { alice, bob, carol, phone, call } = await liveCall();
    const dave = await h.agent('dave');
    // Dave is in a call of his own: he is not offered.
    const ben = await h.staff(dave, 'Ben');
    const bensPhone = await h.phone(dave, ben.id, { token: false });
    const daves = await dave.ok<Call>('call:place', { staffId: ben.id });
    await bensPhone.report(daves.id, 'answered');

    const { agents } = await alice.ok<{ agents: TransferTarget[] }>('transfer:targets', { callId: call.id });
    expect(agents.map((a) => a.name)).toEqual(['bob', 'carol']);
    expect(await bob.request('transfer:targets', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    // Before the move the phone's media is Alice's.
    await phone.ok('rtc:signal', { callId: call.id, signal: offer('from the phone, before') });
    await alice.waitFor<Signal>('rtc:signal', (s) => s.signal.sdp === 'from the phone, before');

    const started = await alice.ok<Call>('transfer:start', {
      callId: call.id,
      toAgentId: bob.agentId,
      kind: 'blind',
    });
    expect(liveTransfer(started)).toMatchObject({
      kind: 'blind',
      fromAgentId: alice.agentId,
      toAgentId: bob.agentId,
      fromName: 'alice',
      toName: 'bob',
      state: 'ringing',
      ringUntil: h.clock.now() + RING_MS,
    });
    // A blind transfer leaves the call as it was meanwhile: Alice and the phone still talk.
    expect(started).toMatchObject({ agentId: alice.agentId, held: false, state: 'active' });
    const offered = await changed(bob, call.id, (c) => liveTransfer(c)?.state === 'ringing');
    expect(offered.agentId).toBe(alice.agentId);
    // Carol is not asked, and hears nothing of it.
    expect(carol.eventsNamed<Changed>('call:changed').filter((p) => p.call.id === call.id)).toEqual([]);
    expect(await carol.request('transfer:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const accepted = await bob.ok<Call>('transfer:accept', { callId: call.id });
    expect(accepted).toMatchObject({ agentId: bob.agentId, state: 'active' });
    expect(liveTransfer(accepted)).toBeNull();
    expect(transfersOf(accepted).at(-1)).toMatchObject({ state: 'completed', acceptedAt: h.clock.now() });
    // Alice hears that the call left her, and the phone sees the same one call with its new agent.
    await changed(alice, call.id, (c) => c.agentId === bob.agentId);
    await changed(phone, call.id, (c) => c.agentId === bob.agentId);

    // From now the phone's signals go to Bob's console only, and Alice's are refused.
    await bob.ok('rtc:signal', { callId: call.id, signal: offer('from bob') });
    await phone.waitFor<Signal>('rtc:signal', (s) => s.signal.sdp === 'from bob');
    expect(await alice.request('rtc:signal', { callId: call.id, signal: offer('from alice') })).toMatchObject(
      {
        ok: false,
        error: { code: 'FORBIDDEN' },
      },
    );
    expect(await alice.request('rtc:ice', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await phone.ok('rtc:signal', { callId: call.id, signal: offer('from the phone, after') });
    await bob.waitFor<Signal>('rtc:signal', (s) => s.signal.sdp === 'from the phone, after');
    expect(signalsOf(alice)).toEqual([[phone.deviceId, 'from the phone, before']]);
    expect(signalsOf(phone).map(([from]) => from)).toEqual([bob.agentId]);

    // Bob is busy with it now. Alice, who handed it on, is in after-call work for it (the desk's
    // availability): not offered until she is Available again.
    const targets = async () =>
      (await bob.ok<{ agents: TransferTarget[] }>('transfer:targets', { callId: call.id })).agents.map(
        (a) => a.name,
      );
    expect(await targets()).toEqual(['carol']);
    await alice.ok('availability:set', { state: 'available' });
    expect(await targets()).toEqual(['alice', 'carol']);
    expect(await bob.request('call:place', { staffId: call.staffId })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });

    // History keeps both agents and the timeline says each step.
    await bob.ok('call:hangup', { callId: call.id });
    const stored = (await h.storage.calls.get(call.id))!;
    expect(handledBy(stored)).toEqual([alice.agentId, bob.agentId]);
    expect(stored.timeline.map((e) => e.event)).toEqual(
      expect.arrayContaining(['transfer:requested', 'transfer:completed']),
    );
    const requested = stored.timeline.find((e) => e.event === 'transfer:requested')!;
    expect(requested).toMatchObject({ source: 'agent', actorId: bob.agentId, detail: 'blind · bob' });
    const csv = await (
      await fetch(`${h.url}/api/history.csv`, { headers: { authorization: `Bearer ${alice.token}` } })
    ).text();
    // A column of its own, wherever later columns (quality, notes) put it.
    expect((csv.split('\r\n')[0] ?? '').split(',')).toContain('transfers');
    expect(csv).toContain('blind alice → bob: completed');
  });

  it('blind: a decline, or no answer within the ring time, leaves the call with the first agent', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'blind' });
    const declined = await bob.ok<Call>('transfer:decline', { callId: call.id });
    expect(declined).toMatchObject({ agentId: alice.agentId, state: 'active' });
    expect(transfersOf(declined).at(-1)?.state).toBe('declined');
    await changed(alice, call.id, (c) => transfersOf(c).at(-1)?.state === 'declined');
    expect(await bob.request('transfer:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION', message: 'this transfer is over' },
    });

    // Again, and nobody answers: one tick before the ring time it still rings.
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'blind' });
    h.clock.advance(RING_MS - 1);
    await h.idle();
    expect(liveTransfer((await h.storage.calls.get(call.id))!)?.state).toBe('ringing');
    h.clock.advance(1);
    const missed = await changed(alice, call.id, (c) => transfersOf(c).at(-1)?.state === 'missed');
    expect(missed).toMatchObject({ agentId: alice.agentId, state: 'active', held: false });
    await changed(bob, call.id, (c) => transfersOf(c).at(-1)?.state === 'missed');
    expect(missed.timeline.at(-1)).toMatchObject({ event: 'transfer:missed', source: 'server' });

    // Alice is still the phone's party, both ways.
    await alice.ok('rtc:signal', { callId: call.id, signal: offer('alice again') });
    await phone.waitFor<Signal>('rtc:signal', (s) => s.signal.sdp === 'alice again');
    expect(handledBy((await h.storage.calls.get(call.id))!)).toEqual([alice.agentId]);
  });

  it('warm: the phone is held, the two consoles consult, then the call is completed to the second', async () => {
    const { alice, bob, carol, phone, call } = await liveCall();
    const started = await alice.ok<Call>('transfer:start', {
      callId: call.id,
      toAgentId: bob.agentId,
      kind: 'warm',
    });
    // The phone hears the call go on hold (the person hears silence, CallKit shows it held).
    expect(started.held).toBe(true);
    await changed(phone, call.id, (c) => c.held);
    expect(
      await bob.request('consult:signal', { callId: call.id, signal: offer('too early') }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });

    const consulting = await bob.ok<Call>('transfer:accept', { callId: call.id });
    expect(consulting).toMatchObject({ agentId: alice.agentId, held: true });
    expect(liveTransfer(consulting)).toMatchObject({ state: 'consulting', acceptedAt: h.clock.now() });
    await changed(alice, call.id, (c) => liveTransfer(c)?.state === 'consulting');
    // Consulting, Bob is busy: he places no call of his own meanwhile.
    expect(await bob.request('call:place', { staffId: call.staffId })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });

    // The consultation's media goes between the two consoles only, with ICE servers for both.
    await alice.ok('consult:signal', { callId: call.id, signal: offer('alice to bob') });
    const toBob = await bob.waitFor<Signal>('consult:signal');
    expect(toBob).toMatchObject({ callId: call.id, from: alice.agentId, signal: { sdp: 'alice to bob' } });
    await bob.ok('consult:signal', { callId: call.id, signal: { type: 'answer', sdp: 'bob to alice' } });
    await alice.waitFor<Signal>('consult:signal', (s) => s.from === bob.agentId);
    expect((await bob.request('rtc:ice', { callId: call.id })).ok).toBe(true);
    for (const outsider of [carol]) {
      for (const event of ['consult:signal', 'rtc:signal']) {
        expect(await outsider.request(event, { callId: call.id, signal: offer('x') })).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN' },
        });
      }
      expect((await outsider.request('rtc:ice', { callId: call.id })).ok).toBe(false);
    }
    // Bob is not the phone's party yet: its media stays with Alice while they consult.
    expect(await bob.request('rtc:signal', { callId: call.id, signal: offer('x') })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(phone.eventsNamed('consult:signal')).toEqual([]);
    // Only Alice completes or cancels.
    expect(await bob.request('transfer:complete', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const completed = await alice.ok<Call>('transfer:complete', { callId: call.id });
    expect(completed).toMatchObject({ agentId: bob.agentId, held: false, state: 'active' });
    await changed(phone, call.id, (c) => c.agentId === bob.agentId && !c.held);
    await changed(bob, call.id, (c) => c.agentId === bob.agentId);
    // The consultation is over: nothing more is relayed between the two consoles.
    expect(await alice.request('consult:signal', { callId: call.id, signal: offer('x') })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    const events = completed.timeline.map((e) => e.event).slice(-5);
    expect(events).toEqual([
      'transfer:requested',
      'held',
      'transfer:accepted',
      'resumed',
      'transfer:completed',
    ]);
  });

  it('warm: cancelling goes back to the phone, off hold; so does the second agent leaving', async () => {
    const { alice, bob, phone, call } = await liveCall();
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'warm' });
    await bob.ok('transfer:accept', { callId: call.id });
    const cancelled = await alice.ok<Call>('transfer:cancel', { callId: call.id });
    expect(cancelled).toMatchObject({ agentId: alice.agentId, held: false });
    expect(transfersOf(cancelled).at(-1)?.state).toBe('cancelled');
    await changed(phone, call.id, (c) => !c.held && liveTransfer(c) === null);
    await changed(bob, call.id, (c) => transfersOf(c).at(-1)?.state === 'cancelled');

    // A second consultation, which Bob leaves.
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'warm' });
    await bob.ok('transfer:accept', { callId: call.id });
    const left = await bob.ok<Call>('transfer:decline', { callId: call.id });
    expect(left).toMatchObject({ agentId: alice.agentId, held: false });
    expect(transfersOf(left).at(-1)).toMatchObject({
      state: 'cancelled',
      detail: 'bob left the consultation',
    });
    // A call the agent had put on hold herself stays hers to resume.
    await alice.ok('call:hold', { callId: call.id, on: true });
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'blind' });
    const back = await bob.ok<Call>('transfer:decline', { callId: call.id });
    expect(back.held).toBe(true);
  });

  it('refuses what is not a valid transfer, and changes nothing', async () => {
    const { alice, bob, carol, ana, phone, call } = await liveCall();
    const before = (await h.storage.calls.get(call.id))!;
    const start = (client: TestClient, toAgentId: string, kind = 'blind') =>
      client.request('transfer:start', { callId: call.id, toAgentId, kind });
    expect(await start(bob, carol.agentId)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await start(alice, alice.agentId)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await start(alice, 'nobody')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await start(alice, bob.agentId, 'cold')).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    // Bob signs out: an agent whose console is gone is not offered.
    bob.close();
    await h.idle();
    expect(await start(alice, bob.agentId)).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await alice.request('transfer:complete', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    expect(await h.storage.calls.get(call.id)).toEqual(before);

    // One transfer at a time; and a call still ringing cannot be handed on.
    await alice.ok('transfer:start', { callId: call.id, toAgentId: carol.agentId, kind: 'blind' });
    const dave = await h.agent('dave', 'agent');
    expect(await start(alice, dave.agentId)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    await phone.report(call.id, 'ended');
    const erin = await h.agent('erin');
    const ringing = await erin.ok<Call>('call:place', { staffId: ana.id });
    expect(
      await erin.request('transfer:start', { callId: ringing.id, toAgentId: dave.agentId, kind: 'blind' }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } });
  });
});
