import { afterEach, describe, expect, it } from 'vitest';
import { type Call, manualClock } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { type Harness, startHarness } from '../../test-support/harness';
import { type ApnsEmulator, generateProviderKey, startApnsEmulator } from '../../tools/apns-emulator/src';
import { UNANSWERED_CANCEL_AGAIN_MS } from '../src/calls/push-ledger';

type Changed = { call: Call };

/**
 * APNs keeps one push per collapse id for an offline phone. A call push that APNs accepts only
 * after its cancel went out would replace the cancel, and the phone, back online, would ring a call
 * that is over (soak finding F2). The cancel must be the last push with that collapse id.
 */
describe('a call push accepted after its cancel', () => {
  let h: Harness;
  let emulator: ApnsEmulator;
  afterEach(async () => {
    await h.close();
    await emulator.close();
  });

  it('is followed by the cancel again, so an offline phone gets the cancel', async () => {
    const apnsClock = manualClock(Date.now());
    const key = generateProviderKey();
    emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key], clock: apnsClock });
    h = await startHarness({ emulator: { instance: emulator, key } });
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    phone.close(); // in the background: only pushes reach it
    emulator.setOnline(phone.voipToken, false);
    emulator.fault(phone.voipToken, { type: 'delay', ms: 5_000, count: 1 });

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await apnsClock.whenPending(1); // APNs is holding the call push
    await agent.ok('call:hangup', { callId: call.id });
    await agent.waitFor<Changed>('call:changed', (p) =>
      p.call.pushes.some((r) => r.kind === 'cancel' && r.outcome === 'accepted'),
    );
    apnsClock.advance(5_000); // APNs accepts the call push after all: it replaces the stored cancel
    await h.idle();

    const received = inbox(emulator, phone.voipToken);
    emulator.setOnline(phone.voipToken, true);
    const delivered = await received.next(() => true);
    expect(delivered).toMatchObject({ kind: 'cancel', callId: call.id, reason: 'cancelled' });
  });

  it('is sent once more later when a call push got no answer: APNs may still deliver it after the cancel', async () => {
    const apnsClock = manualClock(Date.now());
    const key = generateProviderKey();
    emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key], clock: apnsClock });
    h = await startHarness({ emulator: { instance: emulator, key } });
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const held = await h.phone(agent, ana.id);
    const other = await h.phone(agent, ana.id);
    held.close();
    other.close();
    emulator.setOnline(held.voipToken, false);
    // APNs holds one call push; the other one's connection drops, taking the held one's answer with it.
    emulator.fault(held.voipToken, { type: 'delay', ms: 5_000, count: 1 });
    emulator.fault(other.voipToken, { type: 'drop', count: 1 });

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>('call:changed', (p) =>
      p.call.pushes.some((r) => r.deviceId === held.deviceId && r.kind === 'call' && r.status === null),
    );
    await agent.ok('call:hangup', { callId: call.id });
    await h.idle();
    apnsClock.advance(5_000); // APNs delivers the call push it held: it replaces the stored cancel
    h.clock.advance(UNANSWERED_CANCEL_AGAIN_MS);
    await h.idle();

    const received = inbox(emulator, held.voipToken);
    emulator.setOnline(held.voipToken, true);
    const delivered = await received.next(() => true);
    expect(delivered).toMatchObject({ kind: 'cancel', callId: call.id, reason: 'cancelled' });
  });
});
