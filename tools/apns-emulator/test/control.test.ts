import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApnsEmulator,
  ApnsEmulatorClient,
  EmulatorClientError,
  type GeneratedProviderKey,
  generateProviderKey,
  generateTlsCertificate,
  startApnsEmulator,
} from '../src';
import { BUNDLE, newToken, rawClient } from './helpers';

let key: GeneratedProviderKey;
let emu: ApnsEmulator;
let push: ReturnType<typeof rawClient>;
let control: ApnsEmulatorClient;

beforeAll(async () => {
  key = generateProviderKey();
  emu = await startApnsEmulator({ keys: [key] });
  push = rawClient(emu, key);
  control = new ApnsEmulatorClient({ url: emu.url, ca: emu.ca });
});
afterAll(async () => {
  control.close();
  push.close();
  await emu.close();
});

describe('control API and client', () => {
  it('registers a device and reports it', async () => {
    const token = newToken();
    const state = await control.registerDevice({ token, bundleId: BUNDLE });
    expect(state).toEqual({
      token,
      bundleId: BUNDLE,
      environment: 'sandbox',
      online: true,
      unregisteredAt: null,
      stored: 0,
    });
    expect(emu.device(token)).toEqual(state);
    expect(await control.device(token)).toEqual(state);
    expect((await control.info()).environment).toBe('sandbox');
  });

  it('refuses bad input with a clear error', async () => {
    const err = await control.registerDevice({ token: 'xyz', bundleId: BUNDLE }).catch((e) => e);
    expect(err).toBeInstanceOf(EmulatorClientError);
    expect(err).toMatchObject({ status: 400, message: expect.stringContaining('hex') });
    await expect(control.setOnline(newToken(), false)).rejects.toMatchObject({ status: 404 });
    await expect(control.fault('*', { type: 'status', status: 404 as 500 })).rejects.toMatchObject({
      status: 400,
    });
  });

  it('streams deliveries over Server-Sent Events, including those kept while offline', async () => {
    const token = newToken();
    await control.registerDevice({ token, bundleId: BUNDLE });
    const seen: unknown[] = [];
    const stream = await control.subscribe(token, (d) => seen.push(d.payload));
    expect((await push.push(token, {}, '{"n":1}')).status).toBe(200);
    const first = await stream.next();
    expect(first).toMatchObject({ token, payload: { n: 1 }, pushType: 'voip' });

    await control.setOnline(token, false);
    await push.push(token, { 'apns-collapse-id': 'c' }, '{"n":2}');
    await push.push(token, { 'apns-collapse-id': 'c' }, '{"n":3}');
    expect((await control.device(token)).stored).toBe(1);
    await control.setOnline(token, true);
    expect((await stream.next()).payload).toEqual({ n: 3 });
    expect(seen).toEqual([{ n: 1 }, { n: 3 }]);
    expect((await control.deliveries(token)).map((d) => d.payload)).toEqual([{ n: 1 }, { n: 3 }]);

    expect(emu.subscriberCount(token)).toBe(1);
    stream.close();
    await expect(stream.next()).rejects.toThrow(/closed/);
    await expect.poll(() => emu.subscriberCount(token), { interval: 5, timeout: 5000 }).toBe(0);
  });

  it('iterates a delivery stream with for await', async () => {
    const token = newToken();
    await control.registerDevice({ token, bundleId: BUNDLE });
    const stream = await control.subscribe(token);
    await push.push(token, {}, '{"n":1}');
    await push.push(token, {}, '{"n":2}');
    const got: unknown[] = [];
    for await (const d of stream) {
      got.push(d.payload);
      if (got.length === 2) stream.close();
    }
    expect(got).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('scripts faults, unregisters and lists requests', async () => {
    const token = newToken();
    await control.registerDevice({ token, bundleId: BUNDLE });
    await control.fault(token, { type: 'throttle', count: 'forever' });
    expect((await push.push(token)).status).toBe(429);
    expect((await push.push(token)).status).toBe(429);
    await control.clearFaults(token);
    expect((await push.push(token)).status).toBe(200);
    await control.unregister(token, 1234);
    expect((await push.push(token)).json).toEqual({ reason: 'Unregistered', timestamp: 1234 });
    const recorded = await control.requests(token);
    expect(recorded.map((r) => r.status)).toEqual([429, 429, 200, 410]);
  });

  it('ends subscriptions when the emulator closes', async () => {
    const other = await startApnsEmulator({ keys: [key] });
    const client = new ApnsEmulatorClient({ url: other.url, ca: other.ca });
    const token = newToken();
    await client.registerDevice({ token, bundleId: BUNDLE });
    const stream = await client.subscribe(token);
    const next = stream.next();
    await other.close();
    await expect(next).rejects.toThrow(/ended/);
    client.close();
  });

  it('refuses a client that does not trust the certificate', async () => {
    const stranger = await generateTlsCertificate();
    const untrusting = new ApnsEmulatorClient({ url: emu.url, ca: stranger.cert });
    await expect(untrusting.info()).rejects.toThrow(/self-signed|certificate/);
    untrusting.close();
  });
});
