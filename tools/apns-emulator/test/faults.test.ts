import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '#shared';
import {
  type ApnsEmulator,
  type Delivery,
  type GeneratedProviderKey,
  generateProviderKey,
  startApnsEmulator,
} from '../src';
import { BUNDLE, newToken, rawClient } from './helpers';

let key: GeneratedProviderKey;
let clock: ManualClock;
let emu: ApnsEmulator;
let client: ReturnType<typeof rawClient>;

beforeAll(async () => {
  key = generateProviderKey();
  clock = manualClock(Date.now());
  emu = await startApnsEmulator({ keys: [key], clock });
  client = rawClient(emu, key);
});
afterAll(async () => {
  client.close();
  await emu.close();
});
afterEach(() => emu.clearFaults());

const device = () => {
  const token = newToken();
  emu.registerDevice({ token, bundleId: BUNDLE });
  return token;
};
/** Sockets and servers this process holds open. */
const netHandles = () => process.getActiveResourcesInfo().filter((r) => /^(TCP|TLS)/.test(r)).length;
const statuses = async (token: string, n: number) => {
  const out: (number | string)[] = [];
  for (let i = 0; i < n; i++) {
    const res = await client.push(token);
    out.push(res.reason ? `${res.status} ${res.reason}` : res.status);
  }
  return out;
};

describe('scripted faults', () => {
  it('throttles the next N requests with 429 TooManyRequests', async () => {
    const token = device();
    emu.fault(token, { type: 'throttle', count: 2 });
    expect(await statuses(token, 3)).toEqual(['429 TooManyRequests', '429 TooManyRequests', 200]);
    expect(emu.requests({ token }).map((r) => r.fault)).toEqual(['throttle', 'throttle', null]);
  });

  it('answers 500 and 503, consuming faults first in, first out', async () => {
    const token = device();
    emu.fault(token, { type: 'status', status: 500 });
    emu.fault(token, { type: 'status', status: 503, count: 2 });
    expect(await statuses(token, 4)).toEqual([
      '500 InternalServerError',
      '503 ServiceUnavailable',
      '503 ServiceUnavailable',
      200,
    ]);
  });

  it('applies a default fault to every token without one of its own, until cleared', async () => {
    const [a, b] = [device(), device()];
    emu.fault('*', { type: 'status', status: 503, count: 'forever' });
    emu.fault(b, { type: 'throttle' });
    expect(await statuses(a, 2)).toEqual(['503 ServiceUnavailable', '503 ServiceUnavailable']);
    expect(await statuses(b, 2)).toEqual(['429 TooManyRequests', '503 ServiceUnavailable']);
    emu.clearFaults('*');
    expect(await statuses(a, 1)).toEqual([200]);
  });

  it('unregisters a token from now on', async () => {
    const token = device();
    expect(await statuses(token, 1)).toEqual([200]);
    emu.fault(token, { type: 'unregister' });
    const res = await client.push(token);
    expect(res.json).toEqual({ reason: 'Unregistered', timestamp: clock.now() });
    expect(await statuses(token, 1)).toEqual(['410 Unregistered']);
  });

  it('delays the answer by N ms on the emulator clock', async () => {
    const token = device();
    emu.fault(token, { type: 'delay', ms: 2000 });
    let answered = false;
    const pending = client.push(token).then((r) => {
      answered = true;
      return r;
    });
    await clock.whenPending();
    clock.advance(1999);
    // Let the emulator run anything it could: the answer must still wait for the last millisecond.
    expect(await statuses(device(), 1)).toEqual([200]);
    expect(answered).toBe(false);
    clock.advance(1);
    expect((await pending).status).toBe(200);
  });

  it('sends GOAWAY instead of answering, refusing the request; a new connection works', async () => {
    const token = device();
    emu.fault(token, { type: 'goaway' });
    const session = client.session;
    const goaway = once(session, 'goaway');
    const closed = once(session, 'close');
    await expect(client.push(token)).rejects.toThrow(/REFUSED_STREAM|without an answer/);
    const [code, , data] = await goaway;
    expect(code).toBe(0);
    expect(String(data)).toContain('Shutdown');
    expect(emu.requests({ token }).at(-1)).toMatchObject({ status: null, fault: 'goaway' });
    await closed;
    expect(await statuses(token, 1)).toEqual([200]);
  });

  // Found by tools/soak: a GOAWAY whose last stream id was below a stream still open (a delayed
  // answer's) made nghttp2 close that stream under Node while the GOAWAY went out, and Node 20's heap
  // was corrupted ("corrupted size vs. prev_size") when the answer came. A graceful GOAWAY leaves
  // the streams already open to finish, as APNs does.
  it('a GOAWAY refuses its own request and lets a newer request already open on the connection finish', async () => {
    const refused = device();
    const slow = device();
    emu.fault(refused, { type: 'goaway' });
    emu.fault(slow, { type: 'delay', ms: 1000 });
    const session = client.session;
    // One answered request first, so the refused one is not the connection's first stream.
    expect((await client.push(device())).status).toBe(200);
    const goaway = once(session, 'goaway');
    // Sent together: the slow request's stream id is above the refused one's.
    const first = client.push(refused);
    const second = client.push(slow);
    await expect(first).rejects.toThrow(/rstCode 7|REFUSED_STREAM/);
    await goaway;
    await clock.whenPending();
    clock.advance(1000);
    await expect(second).resolves.toMatchObject({ status: 200 });
    expect(emu.deliveries(slow)).toHaveLength(1);
    expect(emu.deliveries(refused)).toHaveLength(0);
  });

  it('drops the connection without answering', async () => {
    const token = device();
    emu.fault(token, { type: 'drop' });
    const session = client.session;
    const closed = once(session, 'close');
    await expect(client.push(token)).rejects.toThrow();
    await closed;
    expect(emu.requests({ token }).at(-1)).toMatchObject({ status: null, fault: 'drop' });
    expect(await statuses(token, 1)).toEqual([200]);
  });
});

describe('offline devices', () => {
  const nowS = () => Math.floor(clock.now() / 1000);

  it('stores pushes while offline, one per collapse id, and delivers them on return', async () => {
    const token = device();
    const got: Delivery[] = [];
    emu.subscribe(token, (d) => got.push(d));
    emu.setOnline(token, false);
    await client.push(token, { 'apns-collapse-id': 'call-1', 'apns-expiration': nowS() + 60 }, '{"n":1}');
    await client.push(token, { 'apns-collapse-id': 'call-2', 'apns-expiration': nowS() + 60 }, '{"n":2}');
    await client.push(token, { 'apns-collapse-id': 'call-1', 'apns-expiration': nowS() + 60 }, '{"n":3}');
    await client.push(token, {}, '{"n":4}');
    expect(got).toEqual([]);
    expect(emu.device(token)?.stored).toBe(3);
    clock.advance(5000);
    emu.setOnline(token, true);
    expect(got.map((d) => d.payload)).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
    expect(got[0]!.deliveredAt - got[0]!.receivedAt).toBe(5000);
    expect(emu.device(token)?.stored).toBe(0);
  });

  it('drops stored pushes whose expiration passed, and never stores expiration 0', async () => {
    const token = device();
    const got: Delivery[] = [];
    emu.subscribe(token, (d) => got.push(d));
    emu.setOnline(token, false);
    await client.push(token, { 'apns-expiration': nowS() + 10 }, '{"n":"short"}');
    await client.push(token, { 'apns-expiration': nowS() + 60 }, '{"n":"long"}');
    await client.push(token, { 'apns-expiration': 0 }, '{"n":"now-or-never"}');
    expect(emu.device(token)?.stored).toBe(2);
    clock.advance(11_000);
    emu.setOnline(token, true);
    expect(got.map((d) => d.payload)).toEqual([{ n: 'long' }]);
  });

  it('delivers at once to an online device, expiration 0 included', async () => {
    const token = device();
    const got: Delivery[] = [];
    emu.subscribe(token, (d) => got.push(d));
    await client.push(token, { 'apns-expiration': 0 }, '{"n":1}');
    expect(got.map((d) => d.payload)).toEqual([{ n: 1 }]);
  });
});

describe('unknown tokens and shutdown', () => {
  it('accepts unknown tokens with acceptUnknownTokens, and closes without leaving handles', async () => {
    const before = netHandles();
    const other = await startApnsEmulator({ keys: [key], acceptUnknownTokens: true, recordRequests: 0 });
    const c = rawClient(other, key);
    const token = newToken();
    const got: Delivery[] = [];
    other.subscribe(token, (d) => got.push(d));
    expect((await c.push(token)).status).toBe(200);
    expect(got).toHaveLength(1);
    expect(other.requests()).toEqual([]);
    // Close with the client's connection still open: close() must not wait for it.
    const clientClosed = once(c.session, 'close');
    await other.close();
    await other.close();
    await clientClosed;
    const after = netHandles();
    expect(after).toBe(before);
  });
});
