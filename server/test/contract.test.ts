import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { type Call, PROTOCOL_VERSION, type ServerStatus } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';
import { generateProviderKey, startApnsEmulator } from '../../tools/apns-emulator/src';
import { CANCEL_ACK_GRACE_MS } from '../src/calls/cancel-acks';

type Changed = { call: Call };
const ended = (id: string) => (p: Changed) => p.call.id === id && p.call.state === 'ended';

/** Resolves with the `connect_error` a handshake gets: its message and the code in `data`. */
function refusal(url: string, auth: Record<string, unknown>) {
  const socket = io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise<{ message: string; code: unknown }>((resolve, reject) => {
    socket.once('connect', () => reject(new Error('connected, but a refusal was expected')));
    socket.once('connect_error', (err) => {
      socket.close();
      resolve({ message: err.message, code: (err as Error & { data?: { code?: string } }).data?.code });
    });
  });
}

describe('the wire contract', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  it('refuses a handshake from another protocol version, saying which side to update', async () => {
    h = await startHarness({ apns: false });
    const { token } = await h.login();
    const agentUrl = `${h.url}/agent`;
    await expect(refusal(agentUrl, { token })).resolves.toMatchObject({
      code: 'PROTOCOL_MISMATCH',
      message: expect.stringMatching(/update the console$/),
    });
    await expect(refusal(agentUrl, { token, protocol: PROTOCOL_VERSION + 1 })).resolves.toMatchObject({
      code: 'PROTOCOL_MISMATCH',
      message: expect.stringMatching(/update the server$/),
    });
    const deviceUrl = `${h.url}/device`;
    const creds = { deviceId: 'x'.repeat(8), secret: 's'.repeat(32) };
    await expect(refusal(deviceUrl, { ...creds, protocol: 0 })).resolves.toMatchObject({
      code: 'PROTOCOL_MISMATCH',
      message: expect.stringMatching(/update the app$/),
    });
    // The right version with wrong credentials is an UNAUTHORIZED, with its own code.
    await expect(refusal(deviceUrl, { ...creds, protocol: PROTOCOL_VERSION })).resolves.toMatchObject({
      code: 'UNAUTHORIZED',
    });
  });

  it('refuses an app that announces a feature this server does not know as a version mismatch, not as unpaired', async () => {
    // UNAUTHORIZED makes the app forget its pairing (it takes it as "unpaired from the console"):
    // an app newer than its server must be told to update the server instead, and keep its pairing.
    h = await startHarness({ apns: false });
    const boss = await h.agent('boss');
    const ana = await h.staff(boss, 'Ana');
    const paired = await h.pair(boss, ana.id);
    const auth = { deviceId: paired.deviceId, secret: paired.deviceSecret, protocol: PROTOCOL_VERSION };
    await expect(refusal(`${h.url}/device`, { ...auth, features: ['video', 'hologram'] })).resolves.toEqual({
      code: 'PROTOCOL_MISMATCH',
      message:
        'PROTOCOL_MISMATCH: this app can do what this server does not know (hologram); update the server',
    });
  });

  it('answers an unknown request, and a request without a payload, with an error ack', async () => {
    h = await startHarness({ apns: false });
    const agent = await h.agent();
    await expect(agent.request('call:teleport', { to: 'mars' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'unknown request "call:teleport"' },
    });
    const bare = await new Promise((resolve) => agent.socket.emit('call:hangup', resolve));
    expect(bare).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'call:hangup: a payload is required' },
    });
  });

  it("sends a call to its phones once, and to its owner's console only", async () => {
    h = await startHarness();
    const alice = await h.agent('alice');
    const bob = await h.agent('bob');
    const ana = await h.staff(alice);
    const phone = await h.phone(alice, ana.id);
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'reported');
    await alice.ok('call:hangup', { callId: call.id });
    await alice.waitFor<Changed>('call:changed', ended(call.id));
    await phone.waitFor<Changed>('call:changed', ended(call.id));
    // This test phone does not acknowledge the socket's cancel: its cancel push follows the grace.
    h.clock.advance(CANCEL_ACK_GRACE_MS);
    await h.idle();
    // What the server sent while it settled (APNs answers it wrote then) has arrived: one socket's
    // frames keep their order.
    await alice.ok('call:sync', { callIds: [call.id] });

    const phoneSaw = phone.eventsNamed<Changed>('call:changed').filter((p) => p.call.id === call.id);
    expect(phoneSaw.map((p) => p.call.state)).toEqual(['dialing', 'ringing', 'ended']);
    // Push attempts reached alice (the timeline shows them), never bob, nor the phone.
    const aliceSaw = alice.eventsNamed<Changed>('call:changed').filter((p) => p.call.id === call.id);
    expect(aliceSaw.some((p) => p.call.pushes.length > 0)).toBe(true);
    expect(bob.eventsNamed<Changed>('call:changed')).toEqual([]);
  });

  it('tells every console who took an inbound call, then only the taker hears of it', async () => {
    h = await startHarness({ apns: false });
    const alice = await h.agent('alice');
    const bob = await h.agent('bob');
    const ana = await h.staff(alice);
    const phone = await h.phone(alice, ana.id, { token: false });
    const call = await phone.ok<Call>('call:start', {});
    await bob.waitFor<Changed>('call:incoming', (p) => p.call.id === call.id);
    await alice.waitFor<Changed>('call:incoming', (p) => p.call.id === call.id);

    await alice.ok('call:accept', { callId: call.id });
    const taken = await bob.waitFor<Changed>('call:changed', (p) => p.call.id === call.id);
    expect(taken.call.agentId).toBe(alice.agentId);
    await alice.ok('call:hangup', { callId: call.id });
    await alice.waitFor<Changed>('call:changed', ended(call.id));
    await h.idle();
    expect(bob.eventsNamed<Changed>('call:changed').map((p) => p.call.state)).toEqual(['connecting']);
  });

  it('resyncs a reconnecting console like a live one, and tells it how calls it missed ended', async () => {
    h = await startHarness({ apns: false });
    const alice = await h.agent('alice');
    const ana = await h.staff(alice);
    const phone = await h.phone(alice, ana.id, { token: false });
    const ben = await h.staff(alice, 'Ben');
    const bens = await h.phone(alice, ben.id, { token: false });
    // Ana calls in while alice is Available; then alice calls Ben.
    const theirs = await phone.ok<Call>('call:start', {});
    const mine = await alice.ok<Call>('call:place', { staffId: ben.id });
    alice.close();

    // While alice is away her call ends, and a second console of hers comes back.
    await bens.report(mine.id, 'ended', 'declined');
    await h.idle();
    const again = await TestClient.connect(`${h.url}/agent`, { token: alice.token });
    const incoming = await again.waitFor<Changed>('call:incoming');
    expect(incoming.call.id).toBe(theirs.id);
    expect(again.eventsNamed('call:changed')).toEqual([]);

    const sync = await again.ok<{ live: Call[]; ended: Call[] }>('call:sync', {
      callIds: [mine.id, theirs.id],
    });
    expect(sync.live.map((c) => c.id)).toEqual([theirs.id]);
    expect(sync.ended).toHaveLength(1);
    expect(sync.ended[0]).toMatchObject({ id: mine.id, endReason: 'declined' });
    expect(sync.ended[0]!.timeline.map((e) => e.event)).toContain('declined');
    again.close();
  });

  it('tells consoles whether APNs is configured, and counts a token as reachable only then', async () => {
    h = await startHarness({ apns: false });
    const off = await h.agent();
    expect(await off.waitFor<ServerStatus>('server:status')).toEqual({
      protocol: PROTOCOL_VERSION,
      apns: { configured: false, lastError: null },
      storage: { ok: true, problem: null, since: null },
      // When the call panel says a phone has not rung yet (issue 25 item 7).
      notRungAfterMs: 5000,
    });
    await h.close();

    h = await startHarness();
    const agent = await h.agent();
    expect((await agent.waitFor<ServerStatus>('server:status')).apns.configured).toBe(true);
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    phone.close();
    type Roster = { staff: { devices: { id: string; presence: string }[] }[] };
    await agent.waitFor<Roster>('roster:changed', (r) =>
      r.staff.some((s) => s.devices.some((d) => d.id === phone.deviceId && d.presence === 'reachable')),
    );
  });

  it('tells consoles when APNs refuses the credentials, with what to fix', async () => {
    // The emulator trusts one provider key; the server signs with another: 403 InvalidProviderToken.
    const emulator = await startApnsEmulator({
      port: 0,
      environment: 'sandbox',
      keys: [generateProviderKey()],
    });
    try {
      h = await startHarness({ emulator: { instance: emulator, key: generateProviderKey() } });
      const agent = await h.agent();
      const ana = await h.staff(agent);
      const phone = await h.phone(agent, ana.id);
      phone.close();
      await h.idle();
      const call = await agent.ok<Call>('call:place', { staffId: ana.id });
      const bad = await agent.waitFor<ServerStatus>('server:status', (s) => s.apns.lastError !== null);
      expect(bad.apns).toMatchObject({
        configured: true,
        lastError: { status: 403, reason: 'InvalidProviderToken', message: expect.stringMatching(/key/i) },
      });
      const over = await agent.waitFor<Changed>('call:changed', ended(call.id));
      expect(over.call.endReason).toBe('unreachable');
      // A console that connects later is told too.
      const later = await h.agent();
      expect((await later.waitFor<ServerStatus>('server:status')).apns.lastError?.reason).toBe(
        'InvalidProviderToken',
      );
    } finally {
      await h.close();
      await emulator.close();
    }
  });
});
