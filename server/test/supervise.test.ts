import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, LiveBoard, RtcIce, Supervision, SupervisionChanged } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

/**
 * Supervisors listen, coach and barge (issue 26 item 5), over real sockets: who may supervise
 * which call, the agent is told, and the media signaling goes only between the call's agent's
 * console and the supervisor's.
 */
const offer = { type: 'offer', sdp: 'v=0\r\n' };
const answer = { type: 'answer', sdp: 'v=0\r\n' };
type Signal = { callId: string; from: string; signal: { type: string } };
const signals = (c: TestClient) =>
  c.eventsNamed<Signal>('supervise:signal').map((s) => [s.from, s.signal.type]);
const changes = (c: TestClient) => c.eventsNamed<SupervisionChanged>('supervise:changed');

describe('supervision: listen, coach and barge', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  /** An admin, an agent (not an admin) in an answered call with a phone, and another agent. */
  async function answeredCall() {
    const boss = await h.agent('boss');
    const agent = await h.agent('alice', 'agent');
    const carol = await h.agent('carol', 'agent');
    const ana = await h.staff(boss, 'Ana');
    const iphone = await h.phone(boss, ana.id, { token: false });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    return { boss, agent, carol, iphone, call };
  }

  it('only admins see the live calls and supervise; the agent is told who listens and in which mode', async () => {
    const { boss, agent, carol, iphone, call } = await answeredCall();
    // Not answered yet: nothing to listen to.
    expect((await boss.ok<LiveBoard>('supervise:live', {})).calls).toEqual([]);
    expect(await boss.request('supervise:start', { callId: call.id, mode: 'listen' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    await iphone.report(call.id, 'answered');
    await boss.waitFor('live:changed');
    const board = await boss.ok<LiveBoard>('supervise:live', {});
    expect(board.calls.map((c) => c.id)).toEqual([call.id]);

    for (const request of ['supervise:live', 'supervise:start'] as const) {
      expect(await carol.request(request, { callId: call.id, mode: 'listen' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN', message: expect.stringContaining('only an admin may') },
      });
    }
    // Nor the call's own agent: supervising is an admin's.
    expect(await agent.request('supervise:start', { callId: call.id, mode: 'barge' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    const started = await boss.ok<Supervision>('supervise:start', { callId: call.id, mode: 'listen' });
    expect(started).toMatchObject({ callId: call.id, agentId: agent.agentId, supervisorId: boss.agentId });
    const told = await agent.waitFor<SupervisionChanged>('supervise:changed');
    expect(told.supervision).toMatchObject({ supervisorName: 'boss', mode: 'listen' });
    expect((await boss.ok<LiveBoard>('supervise:live', {})).supervisions).toEqual([started]);

    await boss.ok('supervise:mode', { callId: call.id, mode: 'coach' });
    await agent.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision?.mode === 'coach');
    await boss.ok('supervise:mode', { callId: call.id, mode: 'barge' });
    await agent.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision?.mode === 'barge');
    // Carol never hears of it, nor of the call.
    await h.idle();
    expect(changes(carol)).toEqual([]);

    // A second admin cannot take over someone else's supervision.
    const dave = await h.agent('dave');
    expect(await dave.request('supervise:start', { callId: call.id, mode: 'listen' })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'boss is already supervising this call' },
    });
    expect(await dave.request('supervise:stop', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });

    await boss.ok('supervise:stop', { callId: call.id });
    const ended = await agent.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision === null);
    expect(ended.ended).toEqual({ supervisorId: boss.agentId, supervisorName: 'boss', reason: 'stopped' });
  });

  it('relays signals and ICE servers only between the agent’s console and the supervisor’s', async () => {
    const { boss, agent, carol, iphone, call } = await answeredCall();
    await iphone.report(call.id, 'answered');
    // Before anyone supervises, there is nothing to signal.
    expect(await agent.request('supervise:signal', { callId: call.id, signal: offer })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    await boss.ok('supervise:start', { callId: call.id, mode: 'listen' });
    const dave = await h.agent('dave');

    for (const outsider of [carol, dave]) {
      const injected = {
        type: 'candidate',
        candidate: 'candidate:1 1 udp 1 6.6.6.6 9 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      };
      expect(await outsider.request('supervise:signal', { callId: call.id, signal: injected })).toMatchObject(
        {
          ok: false,
          error: { code: 'FORBIDDEN' },
        },
      );
      expect(await outsider.request('supervise:ice', { callId: call.id })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    await agent.ok('supervise:signal', { callId: call.id, signal: offer });
    await boss.ok('supervise:signal', { callId: call.id, signal: answer });
    await agent.waitFor('supervise:signal');
    await boss.waitFor('supervise:signal');
    expect(signals(boss)).toEqual([[agent.agentId, 'offer']]);
    expect(signals(agent)).toEqual([[boss.agentId, 'answer']]);
    for (const c of [carol, dave]) expect(signals(c)).toEqual([]);
    // The phone's own signaling carries none of it.
    expect(iphone.eventsNamed('rtc:signal')).toEqual([]);
    expect((await agent.ok<RtcIce>('supervise:ice', { callId: call.id })).iceTransportPolicy).toBe('all');
    expect((await boss.ok<RtcIce>('supervise:ice', { callId: call.id })).iceTransportPolicy).toBe('all');
  });

  it('ends when the call ends, and when the supervisor’s console closes; a reloaded agent page is told again', async () => {
    const { boss, agent, iphone, call } = await answeredCall();
    await iphone.report(call.id, 'answered');
    await boss.ok('supervise:start', { callId: call.id, mode: 'coach' });

    // The agent's page reloads: the new one hears of the supervision with the call, to offer again.
    const again = await h.agent('alice', 'agent');
    const resent = await again.waitFor<SupervisionChanged>('supervise:changed');
    expect(resent.supervision).toMatchObject({ supervisorId: boss.agentId, mode: 'coach' });

    // The supervisor's console closes: the agent is told, and the call goes on.
    boss.close();
    const left = await agent.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision === null);
    expect(left.ended?.reason).toBe('supervisorLeft');

    const boss2 = await h.agent('boss');
    await boss2.ok('supervise:start', { callId: call.id, mode: 'barge' });
    await agent.ok('call:hangup', { callId: call.id });
    const over = await boss2.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision === null);
    expect(over.ended?.reason).toBe('callEnded');
    await boss2.waitFor('live:changed');
    expect(await boss2.ok<LiveBoard>('supervise:live', {})).toEqual({ calls: [], supervisions: [] });
  });

  it('ends when the call goes to another agent: the new agent did not agree to it', async () => {
    const { boss, agent, carol, iphone, call } = await answeredCall();
    await iphone.report(call.id, 'answered');
    await boss.ok('supervise:start', { callId: call.id, mode: 'listen' });
    await agent.ok('transfer:start', { callId: call.id, toAgentId: carol.agentId, kind: 'blind' });
    await carol.ok('transfer:accept', { callId: call.id });
    const over = await boss.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision === null);
    expect(over.ended?.reason).toBe('transferred');
    await agent.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision === null);
    // Carol, whose call it is now, was never supervised, and may be from now on if an admin chooses.
    expect(changes(carol)).toEqual([]);
    await boss.ok('supervise:start', { callId: call.id, mode: 'listen' });
    expect((await carol.waitFor<SupervisionChanged>('supervise:changed')).supervision?.agentId).toBe(
      carol.agentId,
    );
  });

  it('an admin made an agent mid-supervision can no longer signal or change it, and it ends', async () => {
    const { boss, agent, iphone, call } = await answeredCall();
    await iphone.report(call.id, 'answered');
    const dave = await h.agent('dave');
    await dave.ok('supervise:start', { callId: call.id, mode: 'coach' });
    await boss.ok('agent:update', { agentId: dave.agentId, role: 'agent' });
    await expect
      .poll(async () => (await dave.request('supervise:signal', { callId: call.id, signal: answer })).ok)
      .toBe(false);
    expect(await dave.request('supervise:mode', { callId: call.id, mode: 'barge' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: expect.stringContaining('only an admin may') },
    });
    // The refused signal ended it: nothing of it is left for Dave to use.
    expect((await dave.request('supervise:ice', { callId: call.id })).ok).toBe(false);
    const ended = await agent.waitFor<SupervisionChanged>('supervise:changed', (c) => c.supervision === null);
    expect(ended.ended?.reason).toBe('stopped');
  });
});
