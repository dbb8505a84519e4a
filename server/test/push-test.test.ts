import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, type PushTestResult, parsePushPayload, type StaffEntry } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { BUNDLE_ID, type Harness, startHarness } from '../../test-support/harness';
import { TEST_PUSH_MS } from '../src/calls/push-sender';
import { describeTestPush } from '../src/calls/push-test';

type Roster = { staff: StaffEntry[] };

describe('push:test through the real APNs emulator', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it('sends a VoIP cancel for an unknown call id, which APNs accepts, and says so in words', async () => {
    h = await startHarness();
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    const received = inbox(h.emulator!, phone.voipToken);
    const sentAt = h.clock.now();

    const result = await agent.ok<PushTestResult>('push:test', { deviceId: phone.deviceId });

    expect(result).toMatchObject({ outcome: 'accepted', status: 200, reason: null, attempts: 1 });
    expect(result.apnsId).toMatch(/^[0-9a-f-]{36}$/i);
    expect(result.message).toContain('APNs accepted the test push');
    expect(result.message).toContain(result.apnsId!);
    // What reached the phone is a push the iOS app reports to CallKit and ends at once.
    const push = await received.next(() => true);
    expect(push).toMatchObject({ kind: 'cancel', reason: 'cancelled' });
    const [request] = h.emulator!.requests({ token: phone.voipToken });
    expect(parsePushPayload(request!.body)).toMatchObject({ ok: true, push: { kind: 'cancel' } });
    expect(request!.headers).toMatchObject({
      'apns-push-type': 'voip',
      'apns-topic': `${BUNDLE_ID}.voip`,
      'apns-collapse-id': push.callId,
    });
    // Dropped by APNs rather than stored for hours when the phone is offline.
    expect(Number(request!.headers['apns-expiration'])).toBeLessThanOrEqual(
      Math.ceil((sentAt + TEST_PUSH_MS) / 1000),
    );
    // No call was made: the id belongs to nobody, and the phone's token is still good.
    expect(await h.storage.calls.get(push.callId)).toBeNull();
    expect((await h.storage.devices.get(phone.deviceId))!.tokenInvalidAt).toBeNull();
  });

  it('answers 410 Unregistered in words and marks the token invalid, as a ring would', async () => {
    h = await startHarness();
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    h.emulator!.unregister(phone.voipToken);

    const result = await agent.ok<PushTestResult>('push:test', { deviceId: phone.deviceId });

    expect(result).toMatchObject({ outcome: 'tokenInvalid', status: 410, reason: 'Unregistered' });
    expect(result.message).toContain("APNs refused this phone's token (410 Unregistered)");
    const roster = await agent.waitFor<Roster>('roster:changed', (r) =>
      r.staff.some((s) => s.devices.some((d) => d.id === phone.deviceId && d.token.invalidAt !== null)),
    );
    const device = roster.staff.flatMap((s) => s.devices).find((d) => d.id === phone.deviceId)!;
    expect(device.token.invalidReason).toBe('410 Unregistered');
  });

  it('refuses a phone without a VoIP token, sending nothing', async () => {
    h = await startHarness();
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id, { token: false });

    const ack = await agent.request('push:test', { deviceId: phone.deviceId });

    expect(ack).toMatchObject({ ok: false, error: { code: ERROR_CODES.CONFLICT } });
    expect(!ack.ok && ack.error.message).toContain('has not sent a VoIP token yet');
    expect(h.emulator!.requests()).toHaveLength(0);
  });

  it('refuses an unknown phone, and a server without APNs credentials', async () => {
    h = await startHarness({ apns: false });
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);

    const unknown = await agent.request('push:test', { deviceId: 'no-such-phone' });
    expect(unknown).toMatchObject({ ok: false, error: { code: ERROR_CODES.NOT_FOUND } });
    const noApns = await agent.request('push:test', { deviceId: phone.deviceId });
    expect(noApns).toMatchObject({ ok: false, error: { code: ERROR_CODES.CONFLICT } });
    expect(!noApns.ok && noApns.error.message).toContain('no APNs credentials');
  });
});

describe('describeTestPush', () => {
  const base = { apnsId: null, latencyMs: 12.4, attempt: 1, at: 0 };

  it('gives the configuration problem APNs reported, and counts retries', () => {
    const config = describeTestPush(
      { ...base, outcome: 'configError', status: 403, reason: 'InvalidProviderToken' },
      'InvalidProviderToken: APNs rejected the provider token: check the key id and team id',
    );
    expect(config).toBe(
      "APNs refused the server's credentials or topic (403 InvalidProviderToken). " +
        'InvalidProviderToken: APNs rejected the provider token: check the key id and team id',
    );
    const retried = describeTestPush(
      { ...base, outcome: 'retryable', status: null, reason: 'ECONNRESET', attempt: 3 },
      null,
    );
    expect(retried).toContain('(no answer ECONNRESET) after 3 attempts');
  });
});
