import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { CANCEL_ACK_GRACE_MS } from '../src/calls/cancel-acks';

type Changed = { call: Call };

/**
 * A single server is the authority on its calls, ended ones included: the APNs answer to a cancel
 * sent after the call ended goes on the call the server just stored, without reading it back
 * from the database first (one statement per setup, bench/README.md).
 */
describe.each(ENGINES)('push records after a call ended on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => {
    await h.close();
  });

  it("the cancel push's answer is stored on the ended call without reading it from the database", async () => {
    const agent = await h.agent('alice');
    const ana: StaffEntry = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id);
    const pushes = inbox(h.emulator!, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    await h.idle();

    const reads: string[] = [];
    const get = h.storage.calls.get;
    h.storage.calls.get = (id) => {
      reads.push(id);
      return get.call(h.storage.calls, id);
    };
    await agent.ok<Call>('call:hangup', { callId: call.id });
    // This test phone does not acknowledge the socket's cancel: the push follows the grace.
    await phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id);
    h.clock.advance(CANCEL_ACK_GRACE_MS);
    await pushes.next((p) => p.kind === 'cancel');
    const recorded = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.pushes.some((r) => r.kind === 'cancel'),
    );
    expect(recorded.call).toMatchObject({ state: 'ended', endReason: 'completed' });
    await h.idle();
    expect((await get.call(h.storage.calls, call.id))?.pushes.map((r) => r.kind)).toEqual(['call', 'cancel']);
    expect(reads).toEqual([]);
  });
});
