import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildCallPush,
  buildCancelPush,
  type ManualClock,
  manualClock,
  PushPayloadTooLargeError,
} from '#shared';
import {
  type ApnsEmulator,
  type GeneratedProviderKey,
  generateProviderKey,
  startApnsEmulator,
} from '../../../tools/apns-emulator/src';
import {
  type ApnsGatewayOptions,
  type ApnsPushGateway,
  createApnsPushGateway,
  type PushRequest,
  type PushResult,
} from '../../src/push';

const BUNDLE = 'com.example.switchboard';
const RETRY = { baseMs: 1000, factor: 2, maxMs: 4000, jitter: () => 1 };

let key: GeneratedProviderKey;
/** The emulator's clock: at the real time (provider tokens are signed at Date.now()), moved only by tests. */
let emuClock: ManualClock;
let emu: ApnsEmulator;
/** The gateway's clock: drives retries. */
let clock: ManualClock;
let logLines: Record<string, unknown>[];
const gateways: ApnsPushGateway[] = [];

beforeAll(async () => {
  key = generateProviderKey();
  emuClock = manualClock(Date.now());
  emu = await startApnsEmulator({ keys: [key], clock: emuClock, environment: 'sandbox' });
});
afterEach(async () => {
  emu.clearFaults();
  await Promise.all(gateways.splice(0).map((g) => g.close()));
});
afterAll(() => emu.close());

function gateway(over: Partial<ApnsGatewayOptions> = {}): ApnsPushGateway {
  clock = manualClock(Date.now());
  logLines = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const g = createApnsPushGateway({
    keyPem: key.privateKeyPem,
    keyId: key.keyId,
    teamId: key.teamId,
    bundleId: BUNDLE,
    endpoint: { address: '127.0.0.1', port: emu.port, ca: emu.ca },
    requestTimeoutMs: 2000,
    clock,
    logger: pino({ level: 'debug' }, sink),
    retry: RETRY,
    ...over,
  });
  gateways.push(g);
  return g;
}

/** TCP and TLS handles open in this process, the emulator's included. */
const netHandles = () => process.getActiveResourcesInfo().filter((r) => /^(TCP|TLS)/.test(r)).length;

const device = (bundleId = BUNDLE, environment: 'sandbox' | 'production' = 'sandbox') => {
  const token = randomBytes(32).toString('hex');
  emu.registerDevice({ token, bundleId, environment });
  return token;
};

/** A call push request, and the attempts reported for it as they come. */
function call(token: string, over: Partial<PushRequest> = {}) {
  const callId = randomUUID();
  const ringUntil = clock.now() + 45_000;
  const attempts: PushResult[] = [];
  const waiters: (() => void)[] = [];
  const req: PushRequest = {
    deviceId: 'device-1',
    token,
    environment: 'sandbox',
    kind: 'call',
    payload: buildCallPush({
      callId,
      handle: '+15551234567',
      callerName: 'Support · Alice',
      video: false,
      sentAt: clock.now(),
      ringUntil,
    }),
    collapseId: callId,
    deadline: ringUntil,
    onAttempt: (r) => {
      attempts.push(r);
      for (const w of waiters.splice(0)) w();
    },
    ...over,
  };
  return {
    req,
    callId,
    attempts,
    /** Resolves once `n` attempts were reported. */
    attempted(n: number): Promise<void> {
      if (attempts.length >= n) return Promise.resolve();
      return new Promise((resolve) => {
        const check = () => (attempts.length >= n ? resolve() : waiters.push(check));
        waiters.push(check);
      });
    },
  };
}

describe('what the gateway sends', () => {
  it('sends a VoIP push APNs accepts: .voip topic, priority 10, expiration, collapse id, the exact body', async () => {
    const g = gateway();
    const token = device();
    const delivered = new Promise((resolve) => emu.subscribe(token, resolve));
    const c = call(token);
    const result = await g.send(c.req);

    expect(result).toMatchObject({
      outcome: 'accepted',
      status: 200,
      reason: null,
      attempt: 1,
      at: clock.now(),
    });
    expect(result.latencyMs).toBeGreaterThan(0);
    expect(c.attempts).toEqual([result]);
    const [sent] = emu.requests({ token });
    expect(sent!.headers).toMatchObject({
      'apns-push-type': 'voip',
      'apns-topic': `${BUNDLE}.voip`,
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(c.req.deadline / 1000)),
      'apns-collapse-id': c.callId,
      'apns-id': result.apnsId,
    });
    expect(sent!.body).toBe(c.req.payload);
    expect(await delivered).toMatchObject({ apnsId: result.apnsId, payload: JSON.parse(c.req.payload) });
    expect(Object.keys(JSON.parse(sent!.body))).toEqual(['switchboard']);
  });

  it('sends a cancel with the call id as collapse id and its own deadline as expiration', async () => {
    const g = gateway();
    const token = device();
    const callId = randomUUID();
    const deadline = clock.now() + 60_000;
    const payload = buildCancelPush({ callId, reason: 'cancelled' });
    const result = await g.send({
      deviceId: 'd',
      token,
      environment: 'sandbox',
      kind: 'cancel',
      payload,
      collapseId: callId,
      deadline,
    });
    expect(result.outcome).toBe('accepted');
    const sent = emu.requests({ token }).at(-1)!;
    expect(sent.body).toBe(payload);
    expect(sent.headers['apns-expiration']).toBe(String(Math.floor(deadline / 1000)));
    expect(sent.headers['apns-collapse-id']).toBe(callId);
  });

  it('keeps one long-lived provider per environment, created on first use', async () => {
    const g = gateway();
    const created = () => logLines.filter((l) => l.msg === 'APNs provider created').map((l) => l.environment);
    expect(created()).toEqual([]);
    const token = device();
    for (let i = 0; i < 3; i++) expect((await g.send(call(token).req)).outcome).toBe('accepted');
    expect(created()).toEqual(['sandbox']);
    await g.send(call(token, { environment: 'production' }).req);
    await g.send(call(token, { environment: 'production' }).req);
    expect(created()).toEqual(['sandbox', 'production']);
  });

  it('spreads pushes over several HTTP/2 connections when asked', async () => {
    const own = await startApnsEmulator({ keys: [key], acceptUnknownTokens: true, recordRequests: 0 });
    try {
      const g = gateway({ connections: 2, endpoint: { address: '127.0.0.1', port: own.port, ca: own.ca } });
      const results = await Promise.all(
        [1, 2, 3, 4].map(() => g.send(call(randomBytes(32).toString('hex')).req)),
      );
      expect(results.map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
      expect(own.connections()).toBe(2);
      await g.close();
    } finally {
      await own.close();
    }
  });

  it('sends to the forced environment whatever the device says', async () => {
    const g = gateway({ forceEnvironment: 'sandbox' });
    await g.send(call(device(), { environment: 'production' }).req);
    expect(logLines.find((l) => l.msg === 'APNs provider created')?.environment).toBe('sandbox');
  });

  it('never sends a payload over 5120 bytes, nor one that is not a JSON object', async () => {
    const g = gateway();
    const token = device();
    const c = call(token);
    const big = JSON.stringify({ switchboard: { x: 'y'.repeat(5100) } });
    await expect(g.send({ ...c.req, payload: big })).rejects.toBeInstanceOf(PushPayloadTooLargeError);
    await expect(g.send({ ...c.req, payload: 'nope' })).rejects.toThrow(/not JSON/);
    await expect(g.send({ ...c.req, payload: '["switchboard"]' })).rejects.toThrow(/JSON object/);
    expect(emu.requests({ token })).toEqual([]);
    expect(c.attempts).toEqual([]);
  });

  it('sends the payload byte for byte, spacing and key order as given', async () => {
    const g = gateway();
    const token = device();
    const payload = '{ "switchboard": {"v":1, "kind":"cancel", "callId":"x", "reason":"cancelled"} }';
    expect((await g.send({ ...call(token).req, payload })).outcome).toBe('accepted');
    expect(emu.requests({ token }).at(-1)!.body).toBe(payload);
  });
});

describe('classifying answers', () => {
  const once = async (g: ApnsPushGateway, token: string, over: Partial<PushRequest> = {}) => {
    const result = await g.send(call(token, over).req);
    expect(clock.pending()).toBe(0);
    return result;
  };

  it('410 Unregistered → tokenInvalid, not retried', async () => {
    const token = device();
    emu.unregister(token);
    expect(await once(gateway(), token)).toMatchObject({
      outcome: 'tokenInvalid',
      status: 410,
      reason: 'Unregistered',
      attempt: 1,
    });
  });

  it.each([
    ['an unknown token', () => randomBytes(32).toString('hex'), 'BadDeviceToken'],
    ['a production token on the sandbox', () => device(BUNDLE, 'production'), 'BadDeviceToken'],
    ['a token of another app', () => device('com.example.other'), 'DeviceTokenNotForTopic'],
  ])('%s → 400 %s → tokenInvalid', async (_name, token, reason) => {
    expect(await once(gateway(), token())).toMatchObject({ outcome: 'tokenInvalid', status: 400, reason });
  });

  it('403 InvalidProviderToken → configError, kept on the gateway for the settings page', async () => {
    const stranger = generateProviderKey();
    const g = gateway({ keyPem: stranger.privateKeyPem, keyId: stranger.keyId });
    expect(g.lastConfigError).toBeNull();
    const result = await once(g, device());
    expect(result).toMatchObject({ outcome: 'configError', status: 403, reason: 'InvalidProviderToken' });
    expect(g.lastConfigError).toEqual({
      status: 403,
      reason: 'InvalidProviderToken',
      message: expect.stringContaining('key id and team id'),
      environment: 'sandbox',
      at: result.at,
    });
    expect(logLines.some((l) => l.msg === 'APNs configuration error' && l.level === 50)).toBe(true);
  });

  it('403 ExpiredProviderToken → configError that points at the clock', async () => {
    const late = await startApnsEmulator({ keys: [key], clock: manualClock(Date.now() + 2 * 3600_000) });
    try {
      late.registerDevice({ token: 'ab'.repeat(32), bundleId: BUNDLE });
      const g = gateway({ endpoint: { address: '127.0.0.1', port: late.port, ca: late.ca } });
      expect(await once(g, 'ab'.repeat(32))).toMatchObject({
        outcome: 'configError',
        reason: 'ExpiredProviderToken',
      });
      expect(g.lastConfigError?.message).toContain('clock');
    } finally {
      await late.close();
    }
  });

  it('400 BadTopic → configError, cleared by the next accepted push', async () => {
    const app = `com.example.late${randomBytes(3).toString('hex')}`;
    const g = gateway({ bundleId: app });
    expect(await once(g, device())).toMatchObject({ outcome: 'configError', reason: 'BadTopic' });
    expect(g.lastConfigError?.reason).toBe('BadTopic');
    expect((await once(g, device(app))).outcome).toBe('accepted');
    expect(g.lastConfigError).toBeNull();
  });

  it('an untrusted TLS certificate → configError', async () => {
    const g = gateway({ endpoint: { address: '127.0.0.1', port: emu.port } });
    const result = await once(g, device());
    expect(result).toMatchObject({ outcome: 'configError', status: null });
    expect(result.reason).toMatch(/^TlsError: .*self-signed certificate/);
  });
});

describe('retries', () => {
  it('retries 429 and 5xx with exponential backoff until accepted', async () => {
    const g = gateway();
    const token = device();
    emu.fault(token, { type: 'throttle' });
    emu.fault(token, { type: 'status', status: 500 });
    emu.fault(token, { type: 'status', status: 503 });
    const c = call(token);
    const sending = g.send(c.req);
    for (const [n, delay] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
    ] as const) {
      await c.attempted(n);
      await clock.whenPending();
      // The retry's timer fires after exactly `delay`, not a millisecond sooner.
      clock.advance(delay - 1);
      expect(clock.pending()).toBe(1);
      clock.advance(1);
      expect(clock.pending()).toBe(0);
    }
    const result = await sending;
    expect(c.attempts.map((a) => [a.attempt, a.outcome, a.status, a.reason])).toEqual([
      [1, 'retryable', 429, 'TooManyRequests'],
      [2, 'retryable', 500, 'InternalServerError'],
      [3, 'retryable', 503, 'ServiceUnavailable'],
      [4, 'accepted', 200, null],
    ]);
    expect(c.attempts.map((a) => a.at - c.attempts[0]!.at)).toEqual([0, 1000, 3000, 7000]);
    expect(new Set(c.attempts.map((a) => a.apnsId)).size).toBe(4);
    expect(result).toEqual(c.attempts[3]);
  });

  it('stops at the deadline and returns the last attempt', async () => {
    const g = gateway();
    const token = device();
    emu.fault(token, { type: 'status', status: 503, count: 'forever' });
    const c = call(token);
    c.req.deadline = clock.now() + 10_000;
    const sending = g.send(c.req);
    for (const [n, delay] of [
      [1, 1000],
      [2, 2000],
      [3, 4000],
    ] as const) {
      await c.attempted(n);
      await clock.whenPending();
      clock.advance(delay);
    }
    // The fourth attempt fails at +7 s; the next would be at +11 s, after the deadline.
    const result = await sending;
    expect(result).toMatchObject({ outcome: 'retryable', status: 503, attempt: 4 });
    expect(clock.pending()).toBe(0);
    expect(emu.requests({ token })).toHaveLength(4);
  });

  it.each([
    ['GOAWAY', { type: 'goaway' } as const, /^StreamRefused/],
    ['a dropped connection', { type: 'drop' } as const, /^ConnectionError/],
    ['a request timeout', { type: 'delay', ms: 3_600_000 } as const, /^Timeout$/],
  ])('retries after %s on a new connection', async (_name, fault, reason) => {
    const g = gateway({ requestTimeoutMs: 300 });
    const token = device();
    emu.fault(token, fault);
    const c = call(token);
    const sending = g.send(c.req);
    await c.attempted(1);
    expect(c.attempts[0]).toMatchObject({ outcome: 'retryable', status: null });
    expect(c.attempts[0]!.reason).toMatch(reason);
    await clock.whenPending();
    clock.advance(1000);
    expect(await sending).toMatchObject({ outcome: 'accepted', attempt: 2 });
  });

  it('stops retrying when the request is aborted', async () => {
    const g = gateway();
    const token = device();
    emu.fault(token, { type: 'throttle', count: 'forever' });
    const abort = new AbortController();
    const c = call(token, { signal: abort.signal });
    const sending = g.send(c.req);
    await clock.whenPending();
    abort.abort();
    expect(await sending).toMatchObject({ outcome: 'retryable', status: 429, attempt: 1 });
    expect(clock.pending()).toBe(0);
  });

  it('drops a connection that stops answering (its ping unanswered), and retries on a new one', async () => {
    // A TCP relay to the emulator whose first connection freezes on demand: no byte either way.
    let frozen = false;
    const relayed: Socket[] = [];
    const relay = createServer((client) => {
      const upstream = tcpConnect(emu.port, '127.0.0.1');
      const first = relayed.length === 0;
      relayed.push(client);
      client.on('data', (d) => !(first && frozen) && upstream.write(d));
      upstream.on('data', (d) => !(first && frozen) && client.write(d));
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.on('error', () => {});
      upstream.on('error', () => {});
    });
    await expect.poll(() => emu.connections(), { interval: 5, timeout: 5000 }).toBe(0);
    const before = netHandles();
    relay.listen(0, '127.0.0.1');
    await once(relay, 'listening');
    try {
      const port = (relay.address() as { port: number }).port;
      const g = gateway({ requestTimeoutMs: 300, endpoint: { address: '127.0.0.1', port, ca: emu.ca } });
      const token = device();
      expect((await g.send(call(token).req)).outcome).toBe('accepted');
      frozen = true;
      const firstClosed = once(relayed[0]!, 'close');
      const c = call(token);
      const sending = g.send(c.req);
      await c.attempted(1);
      expect(c.attempts[0]).toMatchObject({ outcome: 'retryable', status: null, reason: 'Timeout' });
      await firstClosed;
      await clock.whenPending();
      clock.advance(1000);
      expect(await sending).toMatchObject({ outcome: 'accepted', attempt: 2 });
      expect(relayed).toHaveLength(2);
      await g.close();
    } finally {
      for (const s of relayed) s.destroy();
      await new Promise((resolve) => relay.close(resolve));
    }
    // The next test counts connections: leave none behind.
    await expect.poll(netHandles, { interval: 5, timeout: 5000 }).toBe(before);
  });
});

describe('closing', () => {
  it('stops retries, resolves close(), refuses new pushes and leaves no connection open', async () => {
    // Earlier tests' connections close asynchronously on the emulator's side: start from none.
    await expect.poll(() => emu.connections(), { interval: 5, timeout: 5000 }).toBe(0);
    const before = netHandles();
    const g = gateway();
    const token = device();
    expect((await g.send(call(token).req)).outcome).toBe('accepted');
    emu.fault(token, { type: 'status', status: 503, count: 'forever' });
    const sending = g.send(call(token).req);
    await clock.whenPending();
    await g.close();
    await g.close();
    expect(await sending).toMatchObject({ outcome: 'retryable', attempt: 1 });
    expect(clock.pending()).toBe(0);
    await expect(g.send(call(token).req)).rejects.toThrow(/closed/);
    await expect.poll(() => emu.connections(), { interval: 5, timeout: 5000 }).toBe(0);
    await expect.poll(netHandles, { interval: 5, timeout: 5000 }).toBe(before);
  });

  it('closes at once when nothing was ever sent, and after a refused connection', async () => {
    await gateway().close();
    const g = gateway({ endpoint: { address: '127.0.0.1', port: 1, ca: emu.ca } });
    const c = call(device(), { deadline: clock.now() + 500 });
    expect(await g.send(c.req)).toMatchObject({ outcome: 'retryable', status: null });
    await g.close();
  });

  it('times a push out, and closes, when the connection never opens (a peer that never answers TLS)', async () => {
    // The request waits for a connection that never comes: it must still end at its timeout.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => sockets.push(socket));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const port = (silent.address() as { port: number }).port;
      const g = gateway({ requestTimeoutMs: 200, endpoint: { address: '127.0.0.1', port, ca: emu.ca } });
      const c = call(device(), { deadline: clock.now() + 500 });
      expect(await g.send(c.req)).toMatchObject({ outcome: 'retryable', status: null, reason: 'Timeout' });
      await g.close();
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
