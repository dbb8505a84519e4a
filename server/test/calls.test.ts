import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Ack, type Call, PROTOCOL_VERSION, type StaffEntry } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { ENGINES } from '../../test-support/databases';
import { type Harness, isState, startHarness } from '../../test-support/harness';
import { CANCEL_ACK_GRACE_MS } from '../src/calls/cancel-acks';

type Changed = { call: Call };
const byId = (id: string) => (p: Changed) => p.call.id === id;
const ended = (id: string) => (p: Changed) => p.call.id === id && p.call.state === 'ended';

describe.each(ENGINES)('calls on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => {
    await h.close();
  });

  async function team() {
    const agent = await h.agent('alice');
    const ana: StaffEntry = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id);
    const ipad = await h.phone(agent, ana.id);
    return { agent, ana, iphone, ipad };
  }

  it('rings every phone of a staff member; first answer wins; hang-up completes', async () => {
    const { agent, ana, iphone, ipad } = await team();
    const iphoneInbox = inbox(h.emulator!, iphone.voipToken);
    const ipadInbox = inbox(h.emulator!, ipad.voipToken);

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    expect(call).toMatchObject({ state: 'dialing', direction: 'outbound', agentId: agent.agentId });
    expect(call.devices.map((l) => l.deviceId).sort()).toEqual([iphone.deviceId, ipad.deviceId].sort());

    // Both phones get the call by VoIP push and, being connected, by socket too.
    const push = await iphoneInbox.next((p) => p.kind === 'call');
    expect(push).toMatchObject({
      callId: call.id,
      kind: 'call',
      ringUntil: call.ringUntil,
      v: PROTOCOL_VERSION,
    });
    await ipadInbox.next((p) => p.kind === 'call');
    await iphone.waitFor<Changed>('call:changed', byId(call.id));

    expect((await iphone.report(call.id, 'reported')).ok).toBe(true);
    await agent.waitFor<Changed>('call:changed', isState('ringing'));
    await ipad.report(call.id, 'reported');

    const answered = await iphone.report(call.id, 'answered');
    expect(answered.ok && answered.data.state).toBe('connecting');

    // The iPad loses: told by socket and, since this test phone does not acknowledge the socket's
    // cancel (an app from before the acknowledgement), by a cancel push once the grace is over.
    await expect(ipad.waitFor('call:cancelled')).resolves.toEqual({
      callId: call.id,
      reason: 'answeredElsewhere',
    });
    h.clock.advance(CANCEL_ACK_GRACE_MS);
    await expect(ipadInbox.next((p) => p.kind === 'cancel')).resolves.toMatchObject({
      callId: call.id,
      reason: 'answeredElsewhere',
    });
    const late = await ipad.report(call.id, 'answered');
    expect(late).toMatchObject({ ok: false, error: { code: 'ANSWERED_ELSEWHERE' } });

    await iphone.report(call.id, 'connected');
    expect((await agent.ok<Call>('call:hold', { callId: call.id, on: true })).held).toBe(true);
    expect((await iphone.report(call.id, 'resumed')).ok).toBe(true);
    expect((await agent.ok<Call>('call:mute', { callId: call.id, on: true })).muted).toBe(true);
    await iphone.report(call.id, 'muted');

    const done = await agent.ok<Call>('call:hangup', { callId: call.id });
    expect(done).toMatchObject({
      state: 'ended',
      endReason: 'completed',
      answeredByDeviceId: iphone.deviceId,
    });
    await iphone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id);

    await h.idle();
    const stored = await h.storage.calls.get(call.id);
    expect(stored?.endReason).toBe('completed');
    const events = stored!.timeline.map((e) => `${e.source}:${e.event}`);
    expect(events).toEqual(
      expect.arrayContaining([
        'agent:placed',
        'device:reported',
        'device:answered',
        'device:connected',
        'agent:held',
        'device:resumed',
        'agent:muted',
        'agent:hangup',
        'agent:ended',
        'apns:push:accepted',
      ]),
    );
    // Every APNs attempt is on the call with its id, status and latency.
    const callPushes = stored!.pushes.filter((p) => p.kind === 'call');
    expect(callPushes).toHaveLength(2);
    for (const p of callPushes) {
      expect(p).toMatchObject({ status: 200, outcome: 'accepted', attempt: 1 });
      expect(p.apnsId).toMatch(/^[0-9a-f-]{36}$/i);
      expect(p.latencyMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('ends unreachable at once when no phone can be rung, saying why', async () => {
    const agent = await h.agent();
    const nobody = await h.staff(agent, 'Nobody');
    const none = await agent.ok<Call>('call:place', { staffId: nobody.id });
    expect(none).toMatchObject({ state: 'ended', endReason: 'unreachable' });
    expect(none.timeline.at(-2)?.detail).toBe('this staff member has no paired phone');

    // A paired phone with no token that is not connected cannot be rung either.
    const ben = await h.staff(agent, 'Ben');
    await h.pair(agent, ben.id);
    const silent = await agent.ok<Call>('call:place', { staffId: ben.id });
    expect(silent).toMatchObject({ state: 'ended', endReason: 'unreachable' });
    expect(silent.timeline.map((e) => e.detail)).toContain('no VoIP push token yet and not connected');
  });

  it('misses after the ring timeout and cancels by socket and push', async () => {
    const { agent, ana, iphone } = await team();
    const pushes = inbox(h.emulator!, iphone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await iphone.report(call.id, 'reported');
    await pushes.next((p) => p.kind === 'call');
    await h.idle();

    h.clock.advance(44_999);
    expect((await h.storage.calls.get(call.id))?.state).toBe('ringing');
    h.clock.advance(1);
    const missed = await agent.waitFor<Changed>('call:changed', ended(call.id));
    expect(missed.call.endReason).toBe('missed');
    await expect(iphone.waitFor('call:cancelled')).resolves.toEqual({ callId: call.id, reason: 'missed' });
    // Not acknowledged by this test phone: the push follows the grace.
    h.clock.advance(CANCEL_ACK_GRACE_MS);
    await expect(pushes.next((p) => p.kind === 'cancel')).resolves.toMatchObject({ reason: 'missed' });
  });

  it('cancels when the agent hangs up while it rings', async () => {
    const { agent, ana, iphone, ipad } = await team();
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await iphone.report(call.id, 'reported');
    const done = await agent.ok<Call>('call:hangup', { callId: call.id });
    expect(done.endReason).toBe('cancelled');
    for (const phone of [iphone, ipad]) {
      await expect(phone.waitFor('call:cancelled')).resolves.toEqual({
        callId: call.id,
        reason: 'cancelled',
      });
    }
    // Ended is final; a late report says so, and a repeated hang-up is a no-op.
    expect(await iphone.report(call.id, 'answered')).toMatchObject({
      ok: false,
      error: { code: 'CALL_ENDED' },
    });
    expect((await agent.request('call:hangup', { callId: call.id })).ok).toBe(true);
  });

  it('ends declined only when every phone declined', async () => {
    const { agent, ana, iphone, ipad } = await team();
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    const first = await iphone.report(call.id, 'ended', 'declined');
    expect(first.ok && first.data.state).not.toBe('ended');
    const second = await ipad.report(call.id, 'ended', 'declined');
    expect(second.ok && second.data).toMatchObject({ state: 'ended', endReason: 'declined' });
    await agent.waitFor<Changed>('call:changed', ended(call.id));
  });

  it('is busy when the staff member is already in a call', async () => {
    const { agent, ana, iphone } = await team();
    const first = await agent.ok<Call>('call:place', { staffId: ana.id });
    await iphone.report(first.id, 'answered');
    const bob = await h.agent('bob');
    const second = await bob.ok<Call>('call:place', { staffId: ana.id });
    expect(second).toMatchObject({ state: 'ended', endReason: 'busy' });
    // And an agent cannot place a second call while in one.
    expect(await agent.request('call:place', { staffId: ana.id })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
  });

  it('takes reports idempotently, refuses invalid transitions and other phones', async () => {
    const { agent, ana, iphone } = await team();
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    const report = { callId: call.id, event: 'reported', at: 1, seq: 100 };
    const before = await iphone.request<Call>('call:report', report);
    expect(before.ok && before.data.state).toBe('ringing');
    const reportedCount = (ack: Ack<Call>) =>
      ack.ok ? ack.data.timeline.filter((e) => e.event === 'reported').length : -1;
    const replay = await iphone.request<Call>('call:report', report);
    expect(replay.ok && replay.data.state).toBe('ringing');
    expect(reportedCount(replay)).toBe(1);
    const early = await iphone.report(call.id, 'connected');
    expect(early).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } });
    expect((await h.storage.calls.get(call.id))?.state).toBe('ringing');
    // A phone app that restarted counts from 1 again: the same number with another event is new.
    const restarted = await iphone.request<Call>('call:report', { ...report, event: 'answered' });
    expect(restarted.ok && restarted.data.state).toBe('connecting');
    // A replay that arrives after a later report must not undo it.
    const held = { callId: call.id, event: 'held', at: 2, seq: 200 };
    await iphone.ok('call:report', held);
    await iphone.ok('call:report', { callId: call.id, event: 'resumed', at: 3, seq: 201 });
    expect((await iphone.ok<Call>('call:report', held)).held).toBe(false);

    const bob = await h.staff(agent, 'Bob');
    const stranger = await h.phone(agent, bob.id);
    expect(await stranger.report(call.id, 'answered')).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await stranger.report('00000000-0000-4000-8000-000000000000', 'answered')).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });

  it('lets a phone call the consoles: the first agent to accept wins', async () => {
    const { agent, iphone } = await team();
    const bob = await h.agent('bob');
    const call = await iphone.ok<Call>('call:start', { video: false });
    expect(call).toMatchObject({ direction: 'inbound', state: 'ringing', agentId: null });
    await agent.waitFor<Changed>('call:incoming', byId(call.id));
    await bob.waitFor<Changed>('call:incoming', byId(call.id));

    const taken = await bob.ok<Call>('call:accept', { callId: call.id });
    expect(taken).toMatchObject({ state: 'connecting', agentId: bob.agentId });
    expect(await agent.request('call:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'ANSWERED_ELSEWHERE' },
    });
    await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.agentId === bob.agentId,
    );

    await iphone.report(call.id, 'connected');
    const over = await iphone.report(call.id, 'ended');
    expect(over.ok && over.data).toMatchObject({ state: 'ended', endReason: 'completed' });
    await bob.waitFor<Changed>('call:changed', ended(call.id));
  });

  it("uses the phone's own CallKit UUID for a call it starts, and takes a retried start as the same call", async () => {
    const { agent, iphone, ipad } = await team();
    const uuid = 'A3C1E2F4-5B6D-4E7F-8A9B-0C1D2E3F4A5B'; // Swift's uuidString is uppercase
    // A retry racing the first attempt finds the same call.
    const [call, racing] = await Promise.all([
      iphone.ok<Call>('call:start', { video: false, callId: uuid }),
      iphone.ok<Call>('call:start', { video: false, callId: uuid }),
    ]);
    expect(call.id).toBe(uuid.toLowerCase());
    expect(racing.id).toBe(call.id);
    const retried = await iphone.ok<Call>('call:start', { video: false, callId: uuid });
    expect(retried.id).toBe(call.id);
    expect(await ipad.request('call:start', { callId: uuid })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    // Reports may use either case.
    await agent.ok('call:accept', { callId: uuid });
    expect((await iphone.report(uuid, 'connected')).ok).toBe(true);
    expect(agent.eventsNamed<Changed>('call:incoming').filter((p) => p.call.id === call.id)).toHaveLength(1);
  });

  it('misses an inbound call nobody accepts, and ends one at once when no agent is online', async () => {
    const { agent, iphone } = await team();
    const call = await iphone.ok<Call>('call:start', {});
    h.clock.advance(45_000);
    const missed = await agent.waitFor<Changed>('call:changed', ended(call.id));
    expect(missed.call.endReason).toBe('missed');

    agent.close();
    await h.idle();
    await waitUntil(() => h.server.presence.onlineAgentIds().length === 0);
    const lonely = await iphone.ok<Call>('call:start', {});
    expect(lonely).toMatchObject({ state: 'ended', endReason: 'noAgentAvailable', offeredTo: [] });
    expect(lonely.timeline.map((e) => e.detail)).toContain('no agent is online');
  });

  it('answers call:sync with live calls and how the asked-about ones ended', async () => {
    const { agent, ana, iphone } = await team();
    const gone = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.ok('call:hangup', { callId: gone.id });
    const live = await agent.ok<Call>('call:place', { staffId: ana.id });
    const unknown = '11111111-1111-4111-8111-111111111111';
    const sync = await iphone.ok<{ live: Call[]; ended: unknown[] }>('call:sync', {
      callIds: [gone.id, live.id, unknown],
    });
    expect(sync.live.map((c) => c.id)).toEqual([live.id]);
    expect(sync.ended).toEqual([
      { callId: gone.id, endReason: 'cancelled' },
      { callId: unknown, endReason: null },
    ]);
  });

  it('relays WebRTC signals only between the call parties', async () => {
    const { agent, ana, iphone, ipad } = await team();
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    const offer = { type: 'offer', sdp: 'v=0\r\n' };
    expect(await agent.request('rtc:signal', { callId: call.id, signal: offer })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    await iphone.report(call.id, 'answered');
    await agent.ok('rtc:signal', { callId: call.id, signal: offer });
    await expect(iphone.waitFor('rtc:signal')).resolves.toEqual({
      callId: call.id,
      from: agent.agentId,
      signal: offer,
    });
    const answer = { type: 'answer', sdp: 'v=0\r\n' };
    await iphone.ok('rtc:signal', { callId: call.id, signal: answer });
    await expect(agent.waitFor('rtc:signal')).resolves.toMatchObject({
      from: iphone.deviceId,
      signal: answer,
    });
    expect(await ipad.request('rtc:signal', { callId: call.id, signal: answer })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});

async function waitUntil(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setImmediate(r));
}
