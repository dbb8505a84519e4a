import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
const ended = (id: string) => (p: Changed) => p.call.id === id && p.call.state === 'ended';

/** Issue 10 item 5: a party that vanishes mid-call does not leave the call up forever. */
describe('a party that drops mid-call', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ config: { reconnectGraceMs: 30_000 } });
  });
  afterEach(async () => {
    await h.close();
  });

  async function answered() {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    return { agent, phone, call };
  }

  it('ends the call failed when the answering phone does not come back within the grace', async () => {
    const { agent, phone, call } = await answered();
    phone.close();
    await serverSees(() => !h.server.presence.isDeviceOnline(phone.deviceId));
    h.clock.advance(29_999);
    await h.idle();
    expect((await h.storage.calls.get(call.id))?.state).toBe('active');
    h.clock.advance(1);
    const over = await agent.waitFor<Changed>('call:changed', ended(call.id));
    expect(over.call.endReason).toBe('failed');
    expect(over.call.timeline.find((e) => e.event === 'failed')?.detail).toBe(
      'the phone lost its connection and did not come back within 30 s',
    );
    // The agent is free again.
    expect((await agent.request('call:place', { staffId: call.staffId })).ok).toBe(true);
  });

  it('keeps the call when the phone reconnects within the grace', async () => {
    const { phone, call } = await answered();
    phone.close();
    await serverSees(() => !h.server.presence.isDeviceOnline(phone.deviceId));
    h.clock.advance(10_000);
    const back = await TestClient.connect(`${h.url}/device`, {
      deviceId: phone.deviceId,
      secret: phone.deviceSecret,
    });
    await h.idle();
    h.clock.advance(60_000);
    await h.idle();
    expect((await h.storage.calls.get(call.id))?.state).toBe('active');
    back.close();
  });

  it("ends the call when the agent's console vanishes, and cancels it on the phone", async () => {
    const { agent, phone, call } = await answered();
    agent.close();
    await serverSees(() => h.server.presence.onlineAgentIds().length === 0);
    h.clock.advance(30_000);
    const cancelled = await phone.waitFor<{ callId: string; reason: string }>(
      'call:cancelled',
      (p) => p.callId === call.id,
    );
    expect(cancelled.reason).toBe('failed');
    const stored = await h.storage.calls.get(call.id);
    expect(stored?.timeline.find((e) => e.event === 'failed')?.detail).toBe(
      'the console lost its connection and did not come back within 30 s',
    );
  });
});

/** Waits (turn by turn, without a timer) until the server has processed a disconnect. */
async function serverSees(check: () => boolean): Promise<void> {
  for (let turns = 0; !check(); turns++) {
    if (turns > 10_000) throw new Error('the server never saw the socket close');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
