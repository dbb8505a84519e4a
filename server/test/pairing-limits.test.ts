import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loopback, postJsonFrom } from '../../test-support/from-address';
import { type Harness, startHarness } from '../../test-support/harness';

const pairBody = (code: string) => ({
  code,
  name: 'iPhone',
  model: 'iPhone16,2',
  osVersion: '18.1',
  appVersion: '1.0.0',
  bundleId: 'com.example.switchboard',
  apnsEnvironment: 'sandbox',
});

/** A well-formed code that was never issued: 10 Crockford characters, numbered so none repeats. */
const wrongCode = (n: number) => `WRNG${String(n).padStart(6, '0')}`;

// Issue 10 item 9: guesses from many addresses used up the global bucket, and a real phone with a
// valid code was then refused (429), each refusal also using up one of that code's attempts.
describe('pairing limits count wrong codes only', () => {
  let h: Harness;
  beforeEach(async () => {
    // The limits' stores keep time by Date (auth/limits.ts): it moves with the server's clock here.
    vi.useFakeTimers({ toFake: ['Date'] });
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await h.close();
  });
  const advance = (ms: number) => {
    h.clock.advance(ms);
    vi.setSystemTime(h.clock.now());
  };

  const pairFrom = (ip: number, code: string) =>
    postJsonFrom(`${h.url}/api/devices/pair`, pairBody(code), { localAddress: loopback(ip) });

  it('a real phone with a valid code pairs after 12 addresses exhausted every bucket with wrong codes', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId: ana.id });

    const statuses = new Map<number, number>();
    let guess = 0;
    for (let ip = 2; ip <= 13; ip++) {
      for (let i = 0; i < 12; i++) {
        const res = await pairFrom(ip, wrongCode(guess++));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }
    // Wrong codes are still limited: 10 per address, 100 in all, then 429 for the rest.
    expect(Object.fromEntries(statuses)).toEqual({ 400: 100, 429: 44 });
    const blocked = await pairFrom(14, wrongCode(guess++));
    expect(blocked).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });

    // The phone retries from a guesser's own address (a shared NAT), then from its own: the
    // first try redeems the code, and the code is used up by that success, not by refusals.
    const paired = await pairFrom(2, code);
    expect(paired.status).toBe(200);
    expect(paired.body).toMatchObject({ staffId: ana.id });
    expect(await h.storage.devices.get(String(paired.body.deviceId))).toMatchObject({ staffId: ana.id });
    // Used, it is a wrong code like any other: limited while the global bucket is empty.
    expect((await pairFrom(15, code)).status).toBe(429);
    // The whole-server window (100 wrong codes in 100 s) ends.
    advance(100_000);
    const again = await pairFrom(15, code);
    expect(again).toMatchObject({ status: 400, body: { error: { code: 'PAIRING_CODE_INVALID' } } });
  });

  it('valid codes never count against a bucket: 30 phones pair from one address', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    for (let i = 0; i < 30; i++) {
      const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId: ana.id });
      expect((await pairFrom(20, code)).status).toBe(200);
    }
    // That address still has its whole allowance of wrong codes.
    const wrong = [];
    for (let i = 0; i < 11; i++) wrong.push((await pairFrom(20, wrongCode(i))).status);
    expect(wrong).toEqual([...Array(10).fill(400), 429]);
  });

  it('a limited address gets its allowance back as time passes', async () => {
    for (let i = 0; i < 10; i++) await pairFrom(30, wrongCode(i));
    expect((await pairFrom(30, wrongCode(10))).status).toBe(429);
    advance(60_000);
    expect((await pairFrom(30, wrongCode(11))).status).toBe(400);
  });
});
