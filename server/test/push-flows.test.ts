import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

type Changed = { call: Call };
type Roster = { staff: StaffEntry[] };

describe('push failures through the real APNs emulator', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine: 'sqlite' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('marks a 410 token invalid, shows it in the roster, and drops that phone from the ring', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    h.emulator!.unregister(phone.voipToken);
    phone.close(); // in the background: only the push could have rung it
    await h.idle();

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    const ended = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.state === 'ended',
    );
    expect(ended.call.endReason).toBe('unreachable');
    expect(ended.call.pushes[0]).toMatchObject({
      status: 410,
      reason: 'Unregistered',
      outcome: 'tokenInvalid',
    });
    const roster = await agent.waitFor<Roster>('roster:changed', (r) =>
      r.staff.some((s) => s.devices.some((d) => d.id === phone.deviceId && d.token.invalidAt !== null)),
    );
    const device = roster.staff.flatMap((s) => s.devices).find((d) => d.id === phone.deviceId)!;
    expect(device.token.invalidReason).toBe('410 Unregistered');
    expect(device.presence).toBe('unreachable');

    // The next call ends unreachable at once, without asking APNs again.
    const before = h.emulator!.requests({ token: phone.voipToken }).length;
    const next = await agent.ok<Call>('call:place', { staffId: ana.id });
    expect(next).toMatchObject({ state: 'ended', endReason: 'unreachable' });
    expect(h.emulator!.requests({ token: phone.voipToken })).toHaveLength(before);
  });

  it('retries a throttled push with backoff, and stops once the call is cancelled', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    h.emulator!.fault(phone.voipToken, { type: 'throttle', count: 'forever' });

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.pushes.length === 1);
    expect(h.emulator!.requests({ token: phone.voipToken })).toHaveLength(1);
    await h.clock.whenPending(3); // the ring timer, the ring check (issue 25 item 7) and the retry's backoff
    h.clock.runNext();
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.pushes.length === 2);
    const [first, second] = (await h.storage.calls.get(call.id))!.pushes;
    expect(first).toMatchObject({ status: 429, outcome: 'retryable', attempt: 1 });
    expect(second).toMatchObject({ status: 429, outcome: 'retryable', attempt: 2 });

    h.emulator!.clearFaults(phone.voipToken); // so the cancel push goes through at once
    await agent.ok('call:hangup', { callId: call.id });
    await h.idle();
    const sent = h.emulator!.requests({ token: phone.voipToken }).filter((r) => r.body.includes('"call"'));
    h.clock.advance(60_000);
    await h.idle();
    expect(
      h.emulator!.requests({ token: phone.voipToken }).filter((r) => r.body.includes('"call"')),
    ).toHaveLength(sent.length);
  });
});
