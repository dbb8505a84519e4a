import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildCallPush, buildCancelPush, type Call, httpRequest, type StaffEntry } from '#shared';
import { freshDatabase } from '../../../test-support/databases';
import { BUNDLE_ID, type Harness, startHarness } from '../../../test-support/harness';
import { createEmulatorPushGateway } from '../../apns-emulator/src';
import type { VirtualPhone } from '../src';
import { phoneEnded, phoneRings, virtualPhone } from './helpers';

type Changed = { call: Call };

/** A provider of our own on the harness's key: to send what APNs might deliver, in any order. */
const rawApns = (h: Harness) =>
  createEmulatorPushGateway(h.emulator!, h.key, {
    bundleId: BUNDLE_ID,
    clock: h.clock,
    logger: h.logger,
  });
const endedCall = (id: string) => (p: Changed) => p.call.id === id && p.call.state === 'ended';

describe('end-to-end call flows: server + APNs emulator + virtual phones', () => {
  let h: Harness;
  let agent: Awaited<ReturnType<Harness['agent']>>;
  let ana: StaffEntry;
  const phones: VirtualPhone[] = [];

  beforeEach(async () => {
    h = await startHarness();
    agent = await h.agent('alice');
    ana = await h.staff(agent, 'Ana');
  });
  afterEach(async () => {
    for (const p of phones.splice(0)) await p.close();
    await h.close();
  });

  const phone = async (behaviour: Parameters<typeof virtualPhone>[3] = {}, staffId = ana.id) => {
    const p = await virtualPhone(h, agent, staffId, behaviour);
    phones.push(p);
    return p;
  };
  const place = () => agent.ok<Call>('call:place', { staffId: ana.id });
  const outcome = async (call: Call) =>
    (await agent.waitFor<Changed>('call:changed', endedCall(call.id))).call.endReason;

  it('fetches the caller-ID directory after directory:changed, with its secret, as the app does', async () => {
    const p = await phone();
    const fetched = new Promise<[number, number | null]>((resolve) =>
      p.once('directory', (announced: number, version: number | null) => resolve([announced, version])),
    );
    const saved = await httpRequest(h.url, 'PUT /api/directory', {
      token: agent.token,
      body: { entries: [{ number: '+15551230001', label: 'Front desk', blocked: false }], baseVersion: 0 },
    });
    expect(saved.ok && saved.data).toEqual({ version: 1 });
    expect(await fetched).toEqual([1, 1]);
  });
  it('completed: the phone answers, the agent hangs up', async () => {
    const iphone = await phone({ answerAfterMs: 0 });
    const call = await place();
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    await agent.ok('call:hangup', { callId: call.id });
    expect(await outcome(call)).toBe('completed');
    expect(await phoneEnded(iphone, call.id)).toBe('completed');
    expect(iphone.calls.get(call.id)?.history.slice(0, 3)).toEqual(['reported', 'answered', 'connected']);
  });

  it('completed: the phone hangs up after a while', async () => {
    const iphone = await phone({ answerAfterMs: 0, hangupAfterMs: 30_000 });
    const connected = new Promise((resolve) => iphone.once('connected', resolve));
    const timers = h.clock.pending(); // the console's session watch
    const call = await place();
    await connected;
    // The ring timer went with the answer; only the phone's hang-up is new.
    expect(h.clock.pending()).toBe(timers + 1);
    h.clock.advance(30_000);
    expect(await outcome(call)).toBe('completed');
    expect(await phoneEnded(iphone, call.id)).toBe('completed');
  });

  it('declined', async () => {
    const iphone = await phone({ declineAfterMs: 0 });
    const call = await place();
    expect(await outcome(call)).toBe('declined');
    expect(await phoneEnded(iphone, call.id)).toBe('declined');
  });

  it('missed: nobody answers before the ring timeout', async () => {
    const iphone = await phone();
    const call = await place();
    await phoneRings(iphone, call.id);
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ringing');
    h.clock.advance(45_000);
    expect(await outcome(call)).toBe('missed');
    expect(await phoneEnded(iphone, call.id)).toBe('missed');
  });

  it('cancelled: the agent hangs up while it rings', async () => {
    const iphone = await phone();
    const call = await place();
    await phoneRings(iphone, call.id);
    await agent.ok('call:hangup', { callId: call.id });
    expect(await phoneEnded(iphone, call.id)).toBe('cancelled');
  });

  it('unreachable: no phone can be rung', async () => {
    const call = await place();
    expect(call.endReason).toBe('unreachable');
  });

  it('answeredElsewhere: one of two phones answers, the other stops ringing', async () => {
    const iphone = await phone({ answerAfterMs: 0 });
    const ipad = await phone();
    const connected = new Promise((resolve) => iphone.once('connected', resolve));
    const call = await place();
    await connected;
    expect(await phoneEnded(ipad, call.id)).toBe('answeredElsewhere');
    expect(iphone.calls.get(call.id)?.state).toBe('connected');
  });

  it('busy: a second call to a staff member already in one', async () => {
    await phone({ answerAfterMs: 0 });
    const call = await place();
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    const bob = await h.agent('bob');
    const second = await bob.ok<Call>('call:place', { staffId: ana.id });
    expect(second.endReason).toBe('busy');
  });

  it('the phone calls the console: accepted, then missed when nobody takes it', async () => {
    const iphone = await phone();
    const call = await iphone.placeCall();
    expect(call.id).toBe([...iphone.calls.keys()][0]);
    await agent.waitFor<Changed>('call:incoming', (p) => p.call.id === call.id);
    const connected = new Promise((resolve) => iphone.once('connected', resolve));
    await agent.ok('call:accept', { callId: call.id });
    // Accepted, the phone reports its media connected by itself (as the iOS app does once ICE is).
    await connected;
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    await iphone.hangup(call.id);
    expect(await outcome(call)).toBe('completed');
    // The agent's after-call work (30 s) is over before the phone calls again.
    await h.idle();
    h.clock.advance(30_000);
    await h.idle();

    const unanswered = await iphone.placeCall();
    h.clock.advance(45_000);
    expect(await outcome(unanswered)).toBe('missed');
    expect(await phoneEnded(iphone, unanswered.id)).toBe('missed');
  });

  it('the phone calls in when no agent is Available: its call ends at once, saying so', async () => {
    const iphone = await phone();
    await agent.ok('availability:set', { state: 'away' });
    const ended = new Promise<string>((resolve) =>
      iphone.once('ended', (_id: string, r: string) => resolve(r)),
    );
    const call = await iphone.placeCall();
    expect(call.endReason).toBe('noAgentAvailable');
    expect(await ended).toBe('noAgentAvailable');
    expect(iphone.calls.get(call.id)?.history.at(-1)).toBe('ended:noAgentAvailable (server ended it)');
  });

  it('token rotation: the next call is pushed to the new token', async () => {
    const iphone = await phone();
    const old = iphone.voipToken;
    await iphone.rotateToken();
    await h.idle();
    expect((await h.storage.devices.get(iphone.credentials!.deviceId))?.voipToken).toBe(iphone.voipToken);
    await iphone.goOffline(); // only a push can ring it now
    const call = await place();
    await h.idle();
    expect(h.emulator!.requests({ token: iphone.voipToken }).some((r) => r.status === 200)).toBe(true);
    expect(h.emulator!.requests({ token: old })).toHaveLength(0);
    const ringing = phoneRings(iphone, call.id);
    await iphone.goOnline();
    await ringing;
  });

  it('a 410 from APNs: the roster shows the dead token and the next call ends unreachable', async () => {
    const iphone = await phone();
    await iphone.goOffline();
    h.emulator!.unregister(iphone.voipToken);
    const first = await place();
    expect(await outcome(first)).toBe('unreachable');
    await h.idle();
    const roster = await agent.waitFor<{ staff: StaffEntry[] }>('roster:changed', (r) =>
      r.staff.some((s) => s.devices.some((d) => d.token.invalidReason === '410 Unregistered')),
    );
    expect(roster.staff[0]?.devices[0]?.presence).toBe('unreachable');
    const next = await place();
    expect(next.endReason).toBe('unreachable');
  });

  it('an offline phone rings when it comes back before the deadline', async () => {
    const iphone = await phone();
    await iphone.goOffline();
    const call = await place();
    await h.idle();
    h.clock.advance(20_000);
    const ringing = phoneRings(iphone, call.id);
    await iphone.goOnline();
    await ringing;
    expect(iphone.calls.get(call.id)?.via).toBe('push');
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ringing');
  });

  it('an offline phone that comes back after the deadline does not ring', async () => {
    const iphone = await phone();
    await iphone.goOffline();
    const call = await place();
    await h.idle();
    h.clock.advance(45_000);
    expect(await outcome(call)).toBe('missed');
    await h.idle();
    await iphone.goOnline();
    await h.idle();
    // APNs kept one push per collapse id: the cancel replaced the call, so nothing rings.
    const local = iphone.calls.get(call.id);
    expect(local === undefined || local.state === 'ended').toBe(true);
    expect([...iphone.calls.values()].filter((c) => c.state === 'ringing')).toEqual([]);
  });

  it('duplicated and reordered pushes never leave a ringing call behind', async () => {
    const iphone = await phone();
    await iphone.goOffline();
    const call = await place();
    await agent.ok('call:hangup', { callId: call.id });
    await h.idle();
    // APNs delivering late, twice, and out of order: the cancel first, then the call twice.
    const apns = rawApns(h);
    await iphone.goOnline();
    const send = (kind: 'call' | 'cancel', payload: string) =>
      apns.send({
        deviceId: 'x',
        token: iphone.voipToken,
        environment: 'sandbox',
        kind,
        payload,
        collapseId: `${call.id}-${kind}-${Math.random()}`,
        deadline: call.ringUntil,
      });
    const callPush = buildCallPush({
      callId: call.id,
      handle: call.handle,
      callerName: call.callerName,
      video: false,
      sentAt: call.createdAt,
      ringUntil: call.ringUntil,
    });
    const duplicates = new Promise<void>((resolve) => iphone.once('duplicatePush', () => resolve()));
    await send('cancel', buildCancelPush({ callId: call.id, reason: 'cancelled' }));
    await send('call', callPush);
    await send('call', callPush);
    await duplicates;
    await apns.close();
    expect(iphone.calls.get(call.id)).toMatchObject({ state: 'ended', endReason: 'cancelled' });
    expect([...iphone.calls.values()].filter((c) => c.state !== 'ended')).toEqual([]);
  });

  it('a malformed push is still reported as a call, then ended at once', async () => {
    const iphone = await phone();
    const malformed = new Promise<string>((resolve) => iphone.once('malformedPush', resolve));
    const apns = rawApns(h);
    const body = JSON.stringify({
      switchboard: { v: 99, kind: 'call', callId: '6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41' },
    });
    await apns.send({
      deviceId: 'x',
      token: iphone.voipToken,
      environment: 'sandbox',
      kind: 'call',
      payload: body,
      collapseId: 'bad',
      deadline: h.clock.now() + 10_000,
    });
    await apns.close();
    expect(await malformed).toMatch(/^switchboard\.v:/);
    expect(iphone.calls.get('6f1c2a9e-3b7d-4c1e-9a52-0d8e7f3b2c41')).toMatchObject({
      state: 'ended',
      endReason: 'failed',
    });
  });
});

describe('server restart in the middle of ringing', () => {
  it('the ringing phone stops: by cancel push, and by call:sync when it reconnects', async () => {
    const db = await freshDatabase('sqlite');
    const first = await startHarness({ databaseUrl: db.url });
    const agent = await first.agent('alice');
    const ana = await first.staff(agent);
    const iphone = await virtualPhone(first, agent, ana.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phoneRings(iphone, call.id);
    await first.idle();
    const port = Number(new URL(first.url).port);
    agent.close();
    await first.server.close();

    const second = await startHarness({
      databaseUrl: db.url,
      port,
      emulator: { instance: first.emulator!, key: first.key },
    });
    try {
      expect(await phoneEnded(iphone, call.id)).toBe('failed');
      expect((await second.storage.calls.get(call.id))?.endReason).toBe('failed');
    } finally {
      await iphone.close();
      await second.close();
      await first.emulator!.close();
      await db.dispose();
    }
  });
});
