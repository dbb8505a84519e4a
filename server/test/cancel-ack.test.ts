import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, PushContent, StaffEntry } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { CANCEL_ACK_GRACE_MS } from '../src/calls/cancel-acks';

type Agent = Awaited<ReturnType<Harness['agent']>>;
type Phone = Awaited<ReturnType<Harness['phone']>>;

/**
 * Issue 21 item 6, the server's half: a phone that acknowledges the cancel it got over its socket
 * gets no cancel push (iOS would make the app report it as a second, ended call); one that does
 * not acknowledge within the grace, or has no socket, gets it as before (DESIGN's cancel rules).
 */
describe.each(ENGINES)('cancel acknowledgement on %s', (engine) => {
  let h: Harness;
  let boss: Agent;
  let ana: StaffEntry;
  beforeEach(async () => {
    h = await startHarness({ engine });
    boss = await h.agent('boss');
    ana = await h.staff(boss, 'Ana');
  });
  afterEach(async () => {
    await h.close();
  });

  /** What APNs was asked to deliver to the phone's token, in order. */
  const pushed = async (phone: Phone): Promise<PushContent['kind'][]> =>
    (await h.emulator!.requests({ token: phone.voipToken })).map(
      (r) => (JSON.parse(r.body) as { switchboard: PushContent }).switchboard.kind,
    );

  /** A call that rings the phone, then the agent hangs up: the phone's leg is cancelled. */
  const ringThenHangUp = async (phone: Phone): Promise<Call> => {
    const call = await boss.ok<Call>('call:place', { deviceId: phone.deviceId });
    await phone.report(call.id, 'reported');
    await h.idle();
    return boss.ok<Call>('call:hangup', { callId: call.id });
  };

  it('a phone online for the cancel that acknowledges it gets no cancel push', async () => {
    const phone = await h.phone(boss, ana.id);
    const acked: string[] = [];
    phone.socket.on('call:cancelled', (payload: { callId: string }, ack?: () => void) => {
      acked.push(payload.callId);
      ack?.();
    });
    const call = await ringThenHangUp(phone);
    await phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id);
    // One more round trip on the same socket: the server has read the ack that went before it.
    await phone.ok('call:sync', { callIds: [] });
    await h.idle();
    h.clock.advance(10 * CANCEL_ACK_GRACE_MS);
    await h.idle();
    expect(acked).toEqual([call.id]);
    expect(await pushed(phone)).toEqual(['call']);
    const stored = await h.storage.calls.get(call.id);
    expect(stored?.pushes.map((p) => p.kind)).toEqual(['call']);
  });

  it('a phone online that does not acknowledge gets the cancel push once the grace is over, not before', async () => {
    const phone = await h.phone(boss, ana.id);
    const call = await ringThenHangUp(phone);
    await phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id);
    await h.idle();
    h.clock.advance(CANCEL_ACK_GRACE_MS - 1);
    await h.idle();
    expect(await pushed(phone)).toEqual(['call']);
    h.clock.advance(1);
    await h.idle();
    expect(await pushed(phone)).toEqual(['call', 'cancel']);
  });

  it('an offline phone gets the cancel push at once, as before', async () => {
    const phone = await h.phone(boss, ana.id);
    const call = await boss.ok<Call>('call:place', { deviceId: phone.deviceId });
    await phone.report(call.id, 'reported');
    // APNs has answered the call push (one still in flight is followed by its cancel twice).
    await h.idle();
    phone.close();
    await boss.waitFor<{ staff: StaffEntry[] }>('roster:changed', (p) =>
      p.staff.some((s) =>
        s.devices.some((d) => d.id === phone.deviceId && d.presence !== 'busy' && d.presence !== 'online'),
      ),
    );
    await boss.ok<Call>('call:hangup', { callId: call.id });
    await h.idle();
    expect(await pushed(phone)).toEqual(['call', 'cancel']);
  });

  it('the server stopping during the grace sends the cancel rather than dropping it', async () => {
    const phone = await h.phone(boss, ana.id);
    const call = await ringThenHangUp(phone);
    await phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id);
    await h.idle();
    const token = phone.voipToken;
    await h.server.close();
    const kinds = (await h.emulator!.requests({ token })).map(
      (r) => (JSON.parse(r.body) as { switchboard: PushContent }).switchboard.kind,
    );
    expect(kinds).toEqual(['call', 'cancel']);
  });
});
