import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, RtcIce } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';
import { parseConfig } from '../src/config';

const SECRET = 'turn shared secret for the tests';
const ICE = {
  stun: ['stun:stun.example.test:3478'],
  turn: ['turn:turn.example.test:3478?transport=udp', 'turns:turn.example.test:5349?transport=tcp'],
  turnSecret: SECRET,
  turnTtlMs: 600_000,
  policy: 'all' as const,
};
const offer = { type: 'offer', sdp: 'v=0\r\n' };
type Signal = { callId: string; from: string; signal: { type: string } };

describe('voice: ICE servers and signaling between a call’s two parties', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false, config: { ice: ICE } });
  });
  afterEach(async () => {
    await h.close();
  });

  async function answeredCall() {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const iphone = await h.phone(agent, ana.id, { token: false });
    const ipad = await h.phone(agent, ana.id, { token: false });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    return { agent, ana, iphone, ipad, call };
  }

  it('mints TURN REST credentials per party once the call is answered, and never stores them', async () => {
    const { agent, iphone, call } = await answeredCall();
    expect(await agent.request('rtc:ice', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    await iphone.report(call.id, 'answered');

    // Asked at the answer: they work the whole TTL from it.
    const mine = await agent.ok<RtcIce>('rtc:ice', { callId: call.id });
    const expiry = Math.floor((h.clock.now() + ICE.turnTtlMs) / 1000);
    expect(mine).toEqual({
      iceServers: [
        { urls: ICE.stun },
        {
          urls: ICE.turn,
          username: `${expiry}:${agent.agentId}`,
          // Computed here independently, as coturn's use-auth-secret does.
          credential: createHmac('sha1', SECRET).update(`${expiry}:${agent.agentId}`).digest('base64'),
        },
      ],
      iceTransportPolicy: 'all',
      expiresAt: expiry * 1000,
    });
    const phones = await iphone.ok<RtcIce>('rtc:ice', { callId: call.id });
    expect(phones.iceServers[1]?.username).toBe(`${expiry}:${iphone.deviceId}`);

    // The call is persisted and sent to history: neither the secret nor a credential is on it.
    await agent.ok('call:hangup', { callId: call.id });
    await h.idle();
    const stored = JSON.stringify(await h.storage.calls.get(call.id));
    const broadcast = JSON.stringify(agent.received);
    for (const text of [stored, broadcast]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(mine.iceServers[1]!.credential!);
    }
    expect(await agent.request('rtc:ice', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'CALL_ENDED' },
    });
  });

  it('TURN credentials work at most 10 minutes, expire together for both parties, and renew on the same grid', async () => {
    const { agent, iphone, call } = await answeredCall();
    await iphone.report(call.id, 'answered');
    const answered = await agent.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.answeredAt !== null,
    );
    const answeredAt = answered.call.answeredAt!;
    const expiryOf = (ice: RtcIce) => Number(ice.iceServers[1]!.username!.split(':')[0]) * 1000;

    // The phone asks on its answer, the console 20 s later (a slow network, a reconnect).
    const phones = await iphone.ok<RtcIce>('rtc:ice', { callId: call.id });
    h.clock.advance(20_000);
    const mine = await agent.ok<RtcIce>('rtc:ice', { callId: call.id });
    expect(mine.expiresAt).toBe(phones.expiresAt);
    expect(expiryOf(mine)).toBe(mine.expiresAt);
    expect(mine.expiresAt! - answeredAt).toBeLessThanOrEqual(ICE.turnTtlMs);
    expect(mine.expiresAt! - h.clock.now()).toBeGreaterThanOrEqual(ICE.turnTtlMs / 2);

    // A minute before they end, the console restarts ICE with new ones; the phone asks on that
    // restart offer, a few seconds later, and gets the same expiry, never more than 10 minutes on.
    h.clock.advance(mine.expiresAt! - 60_000 - h.clock.now());
    const renewed = await agent.ok<RtcIce>('rtc:ice', { callId: call.id });
    h.clock.advance(5_000);
    const phoneRenewed = await iphone.ok<RtcIce>('rtc:ice', { callId: call.id });
    expect(phoneRenewed.expiresAt).toBe(renewed.expiresAt);
    expect(renewed.expiresAt!).toBeGreaterThan(mine.expiresAt!);
    expect(renewed.expiresAt! - (mine.expiresAt! - 60_000)).toBeLessThanOrEqual(10 * 60_000);
    expect(renewed.iceServers[1]!.credential).not.toBe(mine.iceServers[1]!.credential);
  });

  it('refuses ICE servers and signals to anyone outside the call, and relays nothing of theirs', async () => {
    const { agent, iphone, ipad, call } = await answeredCall();
    await iphone.report(call.id, 'answered');
    const bob = await h.agent('bob');
    const ben = await h.staff(bob, 'Ben');
    const stranger = await h.phone(bob, ben.id, { token: false });

    const outsiders: TestClient[] = [bob, ipad, stranger];
    for (const outsider of outsiders) {
      expect(await outsider.request('rtc:ice', { callId: call.id })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
      const injected = {
        type: 'candidate',
        candidate: 'candidate:1 1 udp 1 6.6.6.6 9 typ host',
        sdpMid: '0',
        sdpMLineIndex: 0,
      };
      expect(await outsider.request('rtc:signal', { callId: call.id, signal: injected })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    // What the parties receive first is each other's, not an outsider's.
    await agent.ok('rtc:signal', { callId: call.id, signal: offer });
    await iphone.ok('rtc:signal', { callId: call.id, signal: { type: 'answer', sdp: 'v=0\r\n' } });
    await iphone.waitFor('rtc:signal');
    await agent.waitFor('rtc:signal');
    const got = (c: TestClient) =>
      c.received.filter((r) => r.event === 'rtc:signal').map((r) => r.payload as Signal);
    expect(got(iphone).map((s) => [s.from, s.signal.type])).toEqual([[agent.agentId, 'offer']]);
    expect(got(agent).map((s) => [s.from, s.signal.type])).toEqual([[iphone.deviceId, 'answer']]);
    for (const outsider of outsiders) expect(got(outsider)).toEqual([]);
  });

  it('an inbound call: ICE servers for the agent who accepted it and the calling phone only', async () => {
    const alice = await h.agent('alice');
    const bob = await h.agent('bob');
    const ana = await h.staff(alice, 'Ana');
    const iphone = await h.phone(alice, ana.id, { token: false });
    const call = await iphone.ok<Call>('call:start', {});
    expect(await iphone.request('rtc:ice', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_TRANSITION' },
    });
    await alice.ok('call:accept', { callId: call.id });
    expect((await alice.ok<RtcIce>('rtc:ice', { callId: call.id })).iceServers).toHaveLength(2);
    expect((await iphone.ok<RtcIce>('rtc:ice', { callId: call.id })).iceServers).toHaveLength(2);
    expect(await bob.request('rtc:ice', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});

describe('voice: a server without TURN', () => {
  it('hands out STUN alone (or nothing), with no expiry', async () => {
    const h = await startHarness({ apns: false, config: { ice: { ...ICE, turn: [], turnSecret: null } } });
    try {
      const agent = await h.agent();
      const ana = await h.staff(agent, 'Ana');
      const iphone = await h.phone(agent, ana.id, { token: false });
      const call = await agent.ok<Call>('call:place', { staffId: ana.id });
      await iphone.report(call.id, 'answered');
      expect(await iphone.ok<RtcIce>('rtc:ice', { callId: call.id })).toEqual({
        iceServers: [{ urls: ICE.stun }],
        iceTransportPolicy: 'all',
        expiresAt: null,
      });
    } finally {
      await h.close();
    }
  });
});

describe('voice: ICE options', () => {
  it('takes STUN and TURN URLs repeated or comma-separated, flags over the environment', () => {
    const { config } = parseConfig(
      ['--stun', 'stun:a.test:3478', '--stun', 'stun:b.test:3478,stun:c.test', '--turn', 'turn:t.test:3478'],
      { SWITCHBOARD_TURN_SECRET: 's', SWITCHBOARD_STUN: 'stun:ignored.test', SWITCHBOARD_TURN_TTL: '10m' },
    );
    expect(config.ice).toEqual({
      stun: ['stun:a.test:3478', 'stun:b.test:3478', 'stun:c.test'],
      turn: ['turn:t.test:3478'],
      turnSecret: 's',
      turnTtlMs: 600_000,
      policy: 'all',
    });
    expect(parseConfig([], {}).config.ice).toEqual({
      stun: [],
      turn: [],
      turnSecret: null,
      turnTtlMs: 600_000,
      policy: 'all',
    });
  });

  const secret = { SWITCHBOARD_TURN_SECRET: 's' };
  it.each([
    [['--turn', 'turn:t.test'], {}, /--turn needs the TURN server's static-auth-secret/],
    [[], secret, /a TURN secret only makes sense with --turn/],
    [['--stun', 'http://stun.test'], {}, /--stun: "[^"]+" is not one; use a URL like stun:/],
    [['--stun', 'turn:t.test'], {}, /--stun: "[^"]+" is not one; use a URL like stun:/],
    [['--ice-policy', 'relay'], {}, /--ice-policy relay needs a TURN server/],
    [['--turn', 'turn:t.test', '--turn-ttl', '1m'], secret, /at least 2m/],
    [['--turn', 'turn:t.test', '--turn-ttl', '1h'], secret, /at most 10m/],
    [['--turn', 'turn:t.test', '--turn-secret', 's'], {}, /--turn-secret would put the secret in ps/],
  ])('refuses %j (environment %j)', (args, env, message) => {
    expect(() => parseConfig(args, env)).toThrow(message);
  });

  it('reads the TURN secret from --turn-secret-file, and refuses a secret given twice', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-turn-'));
    try {
      const file = path.join(dir, 'turn-secret');
      await writeFile(file, 'from-a-file\n', { mode: 0o600 });
      const turn = ['--turn', 'turn:t.test', '--turn-secret-file', file];
      expect(parseConfig(turn, {}).config.ice.turnSecret).toBe('from-a-file');
      expect(() => parseConfig(turn, secret)).toThrow(/either SWITCHBOARD_TURN_SECRET or --turn-secret-file/);
      expect(() =>
        parseConfig(['--turn', 'turn:t.test', '--turn-secret-file', path.join(dir, 'nope')], {}),
      ).toThrow(/--turn-secret-file: cannot read/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
