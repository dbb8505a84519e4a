import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

/** Issue 22 item 13: reports and calls that arrive out of order, over real sockets. */
describe('calls whose requests arrive out of order', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("keeps the phone's newest mute and hold when an older report arrives late", async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    const report = (event: string, seq: number, at: number) =>
      iphone.request<Call>('call:report', { callId: call.id, event, at, seq });
    const t = h.clock.now();
    expect(await report('answered', 1, t)).toMatchObject({ ok: true });
    expect(await report('connected', 2, t + 1)).toMatchObject({ ok: true });
    expect(await report('muted', 3, t + 2)).toMatchObject({ ok: true, data: { muted: true } });
    expect(await report('held', 4, t + 3)).toMatchObject({ ok: true, data: { held: true } });
    // The phone unmuted and resumed; its earlier reports of the opposite come in after them.
    expect(await report('unmuted', 6, t + 5)).toMatchObject({ ok: true, data: { muted: false } });
    expect(await report('resumed', 8, t + 7)).toMatchObject({ ok: true, data: { held: false } });
    expect(await report('muted', 5, t + 4)).toMatchObject({ ok: true, data: { muted: false } });
    expect(await report('held', 7, t + 6)).toMatchObject({ ok: true, data: { held: false } });
    await h.idle();
    expect(await h.storage.calls.get(call.id)).toMatchObject({ muted: false, held: false });

    // Relaunched mid-call, the app counts from 1 again: its newer reports still count.
    expect(await report('muted', 1, t + 10)).toMatchObject({ ok: true, data: { muted: true } });
    await agent.ok('call:hangup', { callId: call.id });
  });

  it('does not let a phone that placed its own call answer one from the console', async () => {
    const agent = await h.agent('alice');
    // Bob is Available: the phone's own call rings him (alice is busy with hers).
    const bob = await h.agent('bob');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id);
    const outbound = await agent.ok<Call>('call:place', { staffId: ana.id });
    expect(await iphone.report(outbound.id, 'reported')).toMatchObject({ ok: true });

    // While the console's call rings it, the phone calls the console itself, then (its user
    // tapping on) answers the ringing call, before the first ack came back.
    const [own, answer] = await Promise.all([
      iphone.request<Call>('call:start', { video: false }),
      iphone.report(outbound.id, 'answered'),
    ]);
    expect(own).toMatchObject({ ok: true, data: { direction: 'inbound', state: 'ringing' } });
    expect(answer).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    await h.idle();
    expect((await h.storage.calls.get(outbound.id))?.answeredByDeviceId).toBeNull();

    // And a call placed to it meanwhile finds it busy.
    expect(await bob.ok<Call>('call:place', { staffId: ana.id })).toMatchObject({
      state: 'ended',
      endReason: 'busy',
    });
  });
});
