import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

type Changed = { call: Call };
const ended = (id: string) => (p: Changed) => p.call.id === id && p.call.state === 'ended';

/** Issue 10: calls that stay correct when reports, answers and placements race. */
describe('calls under races', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function ringing() {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id);
    const ipad = await h.phone(agent, ana.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await iphone.report(call.id, 'reported');
    await ipad.report(call.id, 'reported');
    return { agent, ana, iphone, ipad, call };
  }

  it('ignores the reports of the phone that lost the ring-all race', async () => {
    const { agent, iphone, ipad, call } = await ringing();
    await iphone.report(call.id, 'answered');
    expect(await ipad.report(call.id, 'answered')).toMatchObject({
      ok: false,
      error: { code: 'ANSWERED_ELSEWHERE' },
    });

    // Its call screen then ends, and it says so: that must not end the winner's call.
    const held = await ipad.report(call.id, 'held');
    expect(held).toMatchObject({ ok: false, error: { code: 'ANSWERED_ELSEWHERE' } });
    const hungUp = await ipad.report(call.id, 'ended');
    expect(hungUp).toMatchObject({ ok: false, error: { code: 'ANSWERED_ELSEWHERE' } });
    await h.idle();
    const now = await h.storage.calls.get(call.id);
    expect(now).toMatchObject({ state: 'connecting', held: false, answeredByDeviceId: iphone.deviceId });
    await agent.ok('call:hangup', { callId: call.id });
  });

  it('accepts the retry of a report that was refused', async () => {
    const { iphone, call } = await ringing();
    // `connected` before `answered` is refused; the same report (same seq) sent again after the
    // answer is a new attempt, not a replay to drop.
    const early = await iphone.request<Call>('call:report', {
      callId: call.id,
      event: 'connected',
      at: h.clock.now(),
      seq: 50,
    });
    expect(early).toMatchObject({ ok: false, error: { code: 'INVALID_TRANSITION' } });
    await iphone.report(call.id, 'answered');
    const retry = await iphone.request<Call>('call:report', {
      callId: call.id,
      event: 'connected',
      at: h.clock.now(),
      seq: 50,
    });
    expect(retry).toMatchObject({ ok: true, data: { state: 'active' } });
  });

  it('accepts the retry of a report that hit a storage error', async () => {
    const { iphone, call } = await ringing();
    await h.idle(); // push attempts recorded: the next save is the answer's
    const save = h.storage.calls.save.bind(h.storage.calls);
    let failures = 1;
    h.storage.calls.save = async (c) => {
      if (failures-- > 0) throw new Error('disk I/O error');
      return save(c);
    };
    const first = await iphone.request<Call>('call:report', {
      callId: call.id,
      event: 'answered',
      at: h.clock.now(),
      seq: 7,
    });
    expect(first).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const retry = await iphone.request<Call>('call:report', {
      callId: call.id,
      event: 'answered',
      at: h.clock.now(),
      seq: 7,
    });
    expect(retry).toMatchObject({
      ok: true,
      data: { state: 'connecting', answeredByDeviceId: iphone.deviceId },
    });
    expect((await h.storage.calls.get(call.id))?.state).toBe('connecting');
  });

  it('places one live call per agent however many requests race', async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const ben = await h.staff(agent, 'Ben');
    await h.phone(agent, ana.id);
    await h.phone(agent, ben.id);
    const acks = await Promise.all([
      agent.request<Call>('call:place', { staffId: ana.id }),
      agent.request<Call>('call:place', { staffId: ben.id }),
      agent.request<Call>('call:place', { staffId: ana.id }),
    ]);
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks.filter((a) => !a.ok).map((a) => !a.ok && a.error.code)).toEqual(['BUSY', 'BUSY']);
  });

  it('starts one inbound call per phone however many requests race', async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id);
    const acks = await Promise.all([
      phone.request<Call>('call:start', {}),
      phone.request<Call>('call:start', {}),
    ]);
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks.find((a) => !a.ok)).toMatchObject({ error: { code: 'BUSY' } });
  });

  it("lets a phone answer one agent's call at a time", async () => {
    const alice = await h.agent('alice');
    const bob = await h.agent('bob');
    const ana = await h.staff(alice, 'Ana');
    const phone = await h.phone(alice, ana.id);
    const first = await alice.ok<Call>('call:place', { staffId: ana.id });
    const second = await bob.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(first.id, 'reported');
    await phone.report(second.id, 'reported');
    const answers = await Promise.all([
      phone.report(first.id, 'answered'),
      phone.report(second.id, 'answered'),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.find((a) => !a.ok)).toMatchObject({ error: { code: 'BUSY' } });
  });

  it('lets an agent accept an inbound call and place another only one at a time', async () => {
    const alice = await h.agent('alice');
    const ana = await h.staff(alice, 'Ana');
    const ben = await h.staff(alice, 'Ben');
    const caller = await h.phone(alice, ana.id);
    await h.phone(alice, ben.id);
    const inbound = await caller.ok<Call>('call:start', {});
    const [accepted, placed] = await Promise.all([
      alice.request<Call>('call:accept', { callId: inbound.id }),
      alice.request<Call>('call:place', { staffId: ben.id }),
    ]);
    expect([accepted.ok, placed.ok].filter(Boolean)).toHaveLength(1);
  });

  it('ends an inbound call declined only when every signed-in agent declined it', async () => {
    const alice = await h.agent('alice');
    const bob = await h.agent('bob');
    const ana = await h.staff(alice, 'Ana');
    const caller = await h.phone(alice, ana.id);
    const call = await caller.ok<Call>('call:start', {});

    const afterAlice = await alice.ok<Call>('call:decline', { callId: call.id });
    expect(afterAlice.state).toBe('ringing');
    expect(afterAlice.timeline.at(-1)).toMatchObject({
      event: 'declined',
      source: 'agent',
      actorId: alice.agentId,
    });
    // Alice's console no longer rings for it, even after a reconnect; Bob's still does.
    const { TestClient } = await import('../../test-support/socket-client');
    const again = await TestClient.connect(`${h.url}/agent`, { token: alice.token });
    await again.waitFor('roster:snapshot');
    await h.idle();
    expect(again.eventsNamed('call:incoming')).toEqual([]);
    again.close();

    const afterBob = await bob.ok<Call>('call:decline', { callId: call.id });
    expect(afterBob).toMatchObject({ state: 'ended', endReason: 'declined' });
    await caller.waitFor<Changed>('call:changed', ended(call.id));
  });

  it('rings on to missed when only some agents declined', async () => {
    const alice = await h.agent('alice');
    await h.agent('bob');
    const ana = await h.staff(alice, 'Ana');
    const caller = await h.phone(alice, ana.id);
    const call = await caller.ok<Call>('call:start', {});
    await alice.ok<Call>('call:decline', { callId: call.id });
    await h.idle();
    h.clock.advance(45_000);
    const over = await caller.waitFor<Changed>('call:changed', ended(call.id));
    expect(over.call.endReason).toBe('missed');
  });

  it('keeps every APNs answer on the call when transitions and push records interleave', async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id);
    const ipad = await h.phone(agent, ana.id);
    await h.idle();
    // Hold the first write that records an APNs answer, so the phones' reports arrive meanwhile.
    const save = h.storage.calls.save.bind(h.storage.calls);
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holding!: () => void;
    const saveHeld = new Promise<void>((resolve) => {
      holding = resolve;
    });
    let first = true;
    h.storage.calls.save = async (c) => {
      if (first && c.state === 'dialing' && c.pushes.length > 0) {
        first = false;
        holding();
        await held;
      }
      return save(c);
    };
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await saveHeld;
    const reports = [iphone.report(call.id, 'reported'), ipad.report(call.id, 'reported')];
    release();
    const acks = await Promise.all(reports);
    expect(acks.every((a) => a.ok)).toBe(true);
    await h.idle();
    const stored = await h.storage.calls.get(call.id);
    expect(stored?.state).toBe('ringing');
    expect(stored?.pushes.map((p) => p.deviceId).sort()).toEqual([iphone.deviceId, ipad.deviceId].sort());
    expect(stored?.timeline.filter((e) => e.event === 'push:accepted')).toHaveLength(2);
  });
});
