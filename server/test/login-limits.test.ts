import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { manualClock } from '#shared';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import { loopback, postJsonFrom } from '../../test-support/from-address';
import { type Harness, startHarness } from '../../test-support/harness';
import { LoginService, loginDelayAfter, MAX_LOGIN_DELAY_MS } from '../src/auth/login';
import { hashPassword, verifyPassword } from '../src/auth/secrets';
import type { Storage } from '../src/storage/types';

const PASSWORD = 'correct horse battery staple';

// Issue 10 item 10: an unknown name answered in 5 ms and a wrong password in 52 ms.
describe('login does the same work for unknown names', () => {
  let db: FreshStorage;
  let storage: Storage;
  beforeAll(async () => {
    db = await freshStorage('sqlite');
    storage = db.storage;
    await storage.agents.create({
      id: 'agt_alice',
      name: 'alice',
      passwordHash: await hashPassword(PASSWORD),
      createdAt: 0,
    });
  });
  afterAll(async () => {
    await db.dispose();
  });

  it('runs the scrypt check once for an unknown name, a wrong password and a right one', async () => {
    const checked: string[] = [];
    const logins = new LoginService({
      storage,
      clock: manualClock(),
      sessionTtlMs: 60_000,
      verify: async (password, stored) => {
        checked.push(stored.split('$')[0]!);
        return verifyPassword(password, stored);
      },
    });
    const refusal = (p: Promise<unknown>) =>
      p.then(
        () => 'signed in',
        (e: Error) => e.message,
      );

    expect(await refusal(logins.signIn('mallory', PASSWORD, '10.0.0.1'))).toBe('wrong name or password');
    expect(await refusal(logins.signIn('alice', 'not it', '10.0.0.1'))).toBe('wrong name or password');
    expect(await refusal(logins.signIn('alice', PASSWORD, '10.0.0.1'))).toBe('signed in');
    // Each against a real scrypt hash: the unknown name's is a dummy with the same parameters.
    expect(checked).toEqual(['scrypt', 'scrypt', 'scrypt']);
  });
});

describe('per-account login backoff', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
    await h.login('alice'); // creates alice with the harness's password
  });
  afterEach(async () => {
    await h.close();
  });

  const loginFrom = (ip: number, name: string, password: string) =>
    postJsonFrom(`${h.url}/api/login`, { name, password }, { localAddress: loopback(ip) });
  const waitOf = (res: { body: { error?: { message: string } } }) =>
    Number(/try again in (\d+) s/.exec(res.body.error?.message ?? '')?.[1] ?? Number.NaN);

  it('holds back the guessing address, exponentially and at most 30 s, but not the agent elsewhere', async () => {
    for (let i = 0; i < 3; i++) expect((await loginFrom(2, 'alice', 'guess')).status).toBe(401);
    const held = await loginFrom(2, 'alice', PASSWORD);
    expect(held).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(waitOf(held)).toBe(1);

    // The agent at their own desk is not held back by someone else's guesses.
    expect((await loginFrom(3, 'alice', PASSWORD)).status).toBe(200);

    // That success reset the account: the guesser starts again from three free tries.
    for (let i = 0; i < 3; i++) expect((await loginFrom(2, 'alice', 'guess')).status).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const refused = await loginFrom(2, 'alice', 'guess');
      expect(refused.status).toBe(429);
      waits.push(waitOf(refused));
      h.clock.advance(waits.at(-1)! * 1000 - 1);
      expect((await loginFrom(2, 'alice', 'guess')).status).toBe(429);
      h.clock.advance(1);
      expect((await loginFrom(2, 'alice', 'guess')).status).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 30, 30, 30]);
    expect(MAX_LOGIN_DELAY_MS).toBe(30_000);

    // The agent who mistyped from that same address waits no longer than the bound.
    h.clock.advance(MAX_LOGIN_DELAY_MS);
    expect((await loginFrom(2, 'alice', PASSWORD)).status).toBe(200);
  });

  it('gives addresses with failures one try per window between them', async () => {
    for (const ip of [4, 5, 6]) expect((await loginFrom(ip, 'alice', 'guess')).status).toBe(401);
    h.clock.advance(loginDelayAfter(3));
    expect((await loginFrom(4, 'alice', 'guess')).status).toBe(401);
    expect((await loginFrom(5, 'alice', 'guess')).status).toBe(429);
    expect((await loginFrom(6, 'alice', PASSWORD)).status).toBe(429);
    // Another account is untouched.
    expect((await loginFrom(4, 'bob', 'guess')).status).toBe(401);
  });

  it('treats an unknown name exactly like a known one, so refusals say nothing about which exist', async () => {
    const answers = async (name: string) => {
      const out: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await loginFrom(7, name, 'guess');
        out.push(`${res.status} ${res.body.error?.message}`);
      }
      return out;
    };
    expect(await answers('nobody')).toEqual(await answers('alice'));
  });

  it('forgets the failures of an account after 15 quiet minutes', async () => {
    for (let i = 0; i < 4; i++) await loginFrom(8, 'alice', 'guess');
    h.clock.advance(15 * 60_000 + 1);
    for (let i = 0; i < 3; i++) expect((await loginFrom(8, 'alice', 'guess')).status).toBe(401);
  });

  it('limits wrong passwords per address, not sign-ins: 12 agents behind one address all sign in', async () => {
    for (let i = 0; i < 12; i++) {
      await h.login(`agent${i}`);
      expect((await loginFrom(9, `agent${i}`, PASSWORD)).status).toBe(200);
    }
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await loginFrom(9, `agent${i}`, 'guess')).status);
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
    h.clock.advance(6_000);
    expect((await loginFrom(9, 'agent11', 'guess')).status).toBe(401);
  });
});
