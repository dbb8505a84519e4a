import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '#shared';
import {
  type ApnsEmulator,
  type Delivery,
  type GeneratedProviderKey,
  generateProviderKey,
  signProviderToken,
  startApnsEmulator,
} from '../src';
import { BUNDLE, newToken, rawClient, TOPIC } from './helpers';

let key: GeneratedProviderKey;
let clock: ManualClock;
let emu: ApnsEmulator;
let client: ReturnType<typeof rawClient>;

beforeAll(async () => {
  key = generateProviderKey();
  // A manual clock at the real time: provider tokens signed now are fresh, and `delay` faults and
  // expirations move only when a test says so.
  clock = manualClock(Date.now());
  emu = await startApnsEmulator({
    keys: [key],
    clock,
    environment: 'sandbox',
    bundleIds: ['com.example.other'],
  });
  client = rawClient(emu, key);
});
afterAll(async () => {
  client.close();
  await emu.close();
});
afterEach(() => emu.clearFaults());

const device = (over: { environment?: 'sandbox' | 'production'; bundleId?: string } = {}) => {
  const token = newToken();
  emu.registerDevice({ token, bundleId: over.bundleId ?? BUNDLE, environment: over.environment });
  return token;
};

describe('accepting a push', () => {
  it('answers 200 with the request apns-id and delivers the parsed payload with its headers', async () => {
    const token = device();
    const got: Delivery[] = [];
    const unsubscribe = emu.subscribe(token, (d) => got.push(d));
    const apnsId = '0a0b0c0d-0000-4000-8000-00000000000a';
    const expiration = Math.floor(clock.now() / 1000) + 45;
    const res = await client.push(
      token,
      { 'apns-id': apnsId, 'apns-expiration': expiration, 'apns-collapse-id': 'call-1' },
      '{"switchboard":{"kind":"call"}}',
    );
    expect(res).toMatchObject({ status: 200, apnsId, json: undefined });
    expect(got).toEqual([
      {
        token,
        apnsId,
        topic: TOPIC,
        pushType: 'voip',
        priority: 10,
        expiration,
        collapseId: 'call-1',
        payload: { switchboard: { kind: 'call' } },
        receivedAt: clock.now(),
        deliveredAt: clock.now(),
      },
    ]);
    unsubscribe();
    await client.push(token);
    expect(got).toHaveLength(1);
    expect(emu.deliveries(token)).toHaveLength(2);
  });

  it('makes up a UUID apns-id when the request has none', async () => {
    const res = await client.push(device());
    expect(res.status).toBe(200);
    expect(res.apnsId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('records every request with its headers, body and answer', async () => {
    const token = device();
    await client.push(token, {}, '{"a":1}');
    await client.push(token, { 'apns-priority': 7 }, '{"a":2}');
    const recorded = emu.requests({ token });
    expect(recorded.map((r) => [r.status, r.reason, r.body])).toEqual([
      [200, null, '{"a":1}'],
      [400, 'BadPriority', '{"a":2}'],
    ]);
    expect(recorded[0]!.headers).toMatchObject({
      'apns-topic': TOPIC,
      'apns-push-type': 'voip',
      ':method': 'POST',
    });
    expect(recorded[0]!.headers.authorization).toBe(`bearer ${client.jwt}`);
  });
});

describe('refusing a push like Apple', () => {
  const c = (
    name: string,
    token: () => string,
    headers: Record<string, string | number | null>,
    body: string | undefined,
    status: number,
    reason: string,
  ) => ({ name, token, headers, body, status, reason });
  const cases = [
    c('a missing push type', device, { 'apns-push-type': null }, undefined, 400, 'InvalidPushType'),
    c('an unknown push type', device, { 'apns-push-type': 'ring' }, undefined, 400, 'InvalidPushType'),
    c(
      'a .voip topic with an alert push',
      device,
      { 'apns-push-type': 'alert' },
      undefined,
      400,
      'InvalidPushType',
    ),
    c(
      'a voip push to the bare bundle id',
      device,
      { 'apns-topic': BUNDLE },
      undefined,
      400,
      'DeviceTokenNotForTopic',
    ),
    c('a missing topic', device, { 'apns-topic': null }, undefined, 400, 'MissingTopic'),
    c(
      'the topic of an unknown app',
      device,
      { 'apns-topic': 'org.unknown.app.voip' },
      undefined,
      400,
      'BadTopic',
    ),
    c(
      'a token of another app',
      device,
      { 'apns-topic': 'com.example.other.voip' },
      undefined,
      400,
      'DeviceTokenNotForTopic',
    ),
    c('a priority other than 5 or 10', device, { 'apns-priority': 11 }, undefined, 400, 'BadPriority'),
    c(
      'a non-numeric expiration',
      device,
      { 'apns-expiration': 'tomorrow' },
      undefined,
      400,
      'BadExpirationDate',
    ),
    c(
      'a collapse id over 64 bytes',
      device,
      { 'apns-collapse-id': 'x'.repeat(65) },
      undefined,
      400,
      'BadCollapseId',
    ),
    c('an apns-id that is not a UUID', device, { 'apns-id': 'nope' }, undefined, 400, 'BadMessageId'),
    c('an empty body', device, {}, '', 400, 'PayloadEmpty'),
    c('a body that is not JSON', device, {}, '{"switchboard":', 400, 'BadPayload'),
    c('a body that is a JSON array', device, {}, '[1,2]', 400, 'BadPayload'),
    c(
      'a VoIP body over 5120 bytes',
      device,
      {},
      JSON.stringify({ a: 'x'.repeat(5120) }),
      413,
      'PayloadTooLarge',
    ),
    c('a token that is not hex', () => 'zz'.repeat(32), {}, undefined, 400, 'BadDeviceToken'),
    c('an unknown token', newToken, {}, undefined, 400, 'BadDeviceToken'),
    c(
      'a token of the other environment',
      () => device({ environment: 'production' }),
      {},
      undefined,
      400,
      'BadDeviceToken',
    ),
    c('no provider token', device, { authorization: null }, undefined, 403, 'MissingProviderToken'),
    c(
      'a malformed provider token',
      device,
      { authorization: 'bearer abc' },
      undefined,
      403,
      'InvalidProviderToken',
    ),
  ];

  it.each(cases)('$name → $status $reason', async ({ token, headers, body, status, reason }) => {
    const res = await client.push(token(), headers, body);
    expect({ status: res.status, reason: res.reason }).toEqual({ status, reason });
    expect(res.apnsId).toBeTruthy();
  });

  it('accepts 5120 bytes exactly for a voip push', async () => {
    const body = JSON.stringify({ a: 'x'.repeat(5112) });
    expect(Buffer.byteLength(body)).toBe(5120);
    expect((await client.push(device(), {}, body)).status).toBe(200);
  });

  it('answers MissingDeviceToken and DuplicateHeaders', async () => {
    expect((await client.push('')).reason).toBe('MissingDeviceToken');
    const twice = await client.push(device(), { 'apns-collapse-id': ['a', 'b'] });
    expect([twice.status, twice.reason]).toEqual([400, 'DuplicateHeaders']);
  });

  it('answers 404 BadPath and 405 MethodNotAllowed', async () => {
    const { request } = await import('./helpers');
    const bad = await request(client.session, { ':method': 'POST', ':path': '/3/nope' }, '{}');
    expect([bad.status, bad.reason]).toEqual([404, 'BadPath']);
    const get = await request(client.session, { ':method': 'GET', ':path': `/3/device/${device()}` });
    expect([get.status, get.reason]).toEqual([405, 'MethodNotAllowed']);
  });

  it('answers 410 Unregistered with the time the token died', async () => {
    const token = device();
    emu.unregister(token, clock.now() - 5000);
    const res = await client.push(token);
    expect(res.status).toBe(410);
    expect(res.json).toEqual({ reason: 'Unregistered', timestamp: clock.now() - 5000 });
    emu.registerDevice({ token, bundleId: BUNDLE });
    expect((await client.push(token)).status).toBe(200);
  });
});

describe('provider tokens', () => {
  const withJwt = (jwt: string) => client.push(device(), { authorization: `bearer ${jwt}` });
  const nowS = () => Math.floor(clock.now() / 1000);

  it('refuses a token signed by another key under the same key id', async () => {
    const other = generateProviderKey({ keyId: key.keyId, teamId: key.teamId });
    expect((await withJwt(signProviderToken(other))).reason).toBe('InvalidProviderToken');
  });

  it('refuses an unknown key id and a team id that does not own the key', async () => {
    expect((await withJwt(signProviderToken({ ...key, keyId: 'ZZZZZZZZZZ' }))).reason).toBe(
      'InvalidProviderToken',
    );
    expect((await withJwt(signProviderToken({ ...key, teamId: 'ZZZZZZZZZZ' }))).reason).toBe(
      'InvalidProviderToken',
    );
  });

  it('accepts a token up to an hour old, then answers ExpiredProviderToken', async () => {
    const fresh = await withJwt(signProviderToken({ ...key, iat: nowS() - 3600 }));
    expect(fresh.status).toBe(200);
    const old = await withJwt(signProviderToken({ ...key, iat: nowS() - 3601 }));
    expect([old.status, old.reason]).toEqual([403, 'ExpiredProviderToken']);
  });

  it('checks a remembered token against the clock again', async () => {
    const jwt = signProviderToken({ ...key, iat: nowS() - 3000 });
    expect((await withJwt(jwt)).status).toBe(200);
    clock.advance(601_000);
    expect((await withJwt(jwt)).reason).toBe('ExpiredProviderToken');
  });

  it('refuses a token issued more than a minute in the future', async () => {
    expect((await withJwt(signProviderToken({ ...key, iat: nowS() + 60 }))).status).toBe(200);
    expect((await withJwt(signProviderToken({ ...key, iat: nowS() + 120 }))).reason).toBe(
      'InvalidProviderToken',
    );
  });
});
