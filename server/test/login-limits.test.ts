import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { manualClock } from '#shared';
import {
  type FreshDatabase,
  type FreshStorage,
  freshDatabase,
  freshStorage,
} from '../../test-support/databases';
import { loopback, postJsonFrom } from '../../test-support/from-address';
import { type Harness, startHarness } from '../../test-support/harness';
import { type LimitStore, limiterFactory } from '../src/auth/limits';
import { LoginService } from '../src/auth/login';
import { hashPassword, verifyPassword } from '../src/auth/secrets';
import { loginDelayAfter, MAX_LOGIN_DELAY_MS, SignInLimits } from '../src/auth/sign-in-limits';
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
      limits: new SignInLimits(await limiterFactory({ kind: 'memory' }), { addressFailures: 100 }),
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

/**
 * The waits, on the stores whose time the test can move: rate-limiter-flexible reads Date.now()
 * (it takes no clock), in memory and in its PostgreSQL queries alike, so only Date is faked.
 * Redis keeps its own TTLs; the cluster test below shows those limits shared, not timed.
 */
describe.each(['memory', 'postgres'] as const)('sign-in backoff on the %s store', (kind) => {
  let db: FreshDatabase | null = null;
  let pool: pg.Pool | null = null;
  let limits: SignInLimits;
  let now = Date.UTC(2030, 0, 1);
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
    let store: LimitStore = { kind: 'memory' };
    if (kind === 'postgres') {
      db = await freshDatabase('postgres');
      pool = new pg.Pool({ connectionString: db.url, max: 2 });
      store = { kind: 'postgres', pool };
    }
    limits = new SignInLimits(await limiterFactory(store), { addressFailures: 100 });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await pool?.end();
    await db?.dispose();
  });

  const advance = (ms: number) => {
    now += ms;
    vi.setSystemTime(now);
  };
  /** 'ok', or the seconds a refused try is told to wait. */
  const admit = (account: string, address: string) =>
    limits.admit(account, address).then(
      () => 'ok',
      (e: Error) => Number(/try again in (\d+) s/.exec(e.message)?.[1]),
    );

  it('holds back the guessing address, doubling to 30 s, but not the agent elsewhere', async () => {
    for (let i = 0; i < 3; i++) {
      expect(await admit('alice', '10.0.0.2')).toBe('ok');
      await limits.failed('alice', '10.0.0.2');
    }
    expect(await admit('alice', '10.0.0.2')).toBe(1);
    expect(await admit('alice', '10.0.0.3')).toBe('ok');
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      advance(MAX_LOGIN_DELAY_MS);
      expect(await admit('alice', '10.0.0.2')).toBe('ok');
      await limits.failed('alice', '10.0.0.2');
      waits.push((await admit('alice', '10.0.0.2')) as number);
    }
    expect(waits).toEqual([2, 4, 8, 16, 30, 30, 30, 30]);
    // A success from there ends it.
    advance(MAX_LOGIN_DELAY_MS);
    await limits.succeeded('alice', '10.0.0.2');
    expect(await admit('alice', '10.0.0.2')).toBe('ok');
    expect(loginDelayAfter(3)).toBe(1_000);
  });

  it('lets concurrent guesses through a window one at a time', async () => {
    for (let i = 0; i < 3; i++) await limits.failed('alice', '10.0.0.4');
    advance(1_000);
    const tries = await Promise.all([1, 2, 3, 4].map(() => admit('alice', '10.0.0.4')));
    expect(tries.filter((t) => t === 'ok')).toHaveLength(1);
  });

  it('forgets the failures of an account 15 minutes after they began', async () => {
    for (let i = 0; i < 4; i++) await limits.failed('alice', '10.0.0.5');
    expect(await admit('alice', '10.0.0.5')).not.toBe('ok');
    advance(15 * 60_000 + 1);
    expect(await admit('alice', '10.0.0.5')).toBe('ok');
  });
});

/** Issue 20 item 2, over HTTP as a console signs in: who is slowed, and who never is. */
describe('sign-in limits', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false, config: { signInAddressLimit: 20 } });
    await h.login('alice'); // creates alice with the harness's password
    await h.login('bob');
  });
  afterEach(async () => {
    await h.close();
  });

  const loginFrom = (ip: number, name: string, password: string, headers: Record<string, string> = {}) =>
    postJsonFrom(`${h.url}/api/login`, { name, password }, { localAddress: loopback(ip), headers });

  it('ten wrong passwords for one account do not lock another out of the same address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await loginFrom(2, 'alice', 'guess')).status);
    // The guesser at alice is held back after three…
    expect(statuses).toEqual([401, 401, 401, ...Array(7).fill(429)]);
    // …and bob, behind the same address, signs in.
    expect((await loginFrom(2, 'bob', PASSWORD)).status).toBe(200);
  });

  it('ten colleagues mistyping behind one address do not lock out the eleventh', async () => {
    for (let i = 0; i < 10; i++) expect((await loginFrom(4, `colleague${i}`, 'typo')).status).toBe(401);
    expect((await loginFrom(4, 'bob', PASSWORD)).status).toBe(200);
  });

  it('slows 40 addresses guessing one account, but not the agent where they signed in before', async () => {
    expect((await loginFrom(3, 'alice', PASSWORD)).status).toBe(200);
    const statuses: number[] = [];
    for (let ip = 10; ip < 50; ip++) statuses.push((await loginFrom(ip, 'alice', 'guess')).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual(Array(30).fill(429));
    // Neither a right password from somewhere new is let past the window (that would tell)…
    const elsewhere = await loginFrom(60, 'alice', PASSWORD);
    expect(elsewhere).toMatchObject({ status: 429, body: { error: { code: 'RATE_LIMITED' } } });
    expect(elsewhere.body.error?.message).toMatch(/being guessed from many addresses/);
    // …but the agent at their own desk signs in, and that ends the backoff.
    expect((await loginFrom(3, 'alice', PASSWORD)).status).toBe(200);
    expect((await loginFrom(60, 'alice', PASSWORD)).status).toBe(200);
  });

  it('lets a console that holds one of the agent’s sessions sign in, and an admin reset clear it', async () => {
    const { token } = await h.login('alice');
    for (let ip = 10; ip < 22; ip++) await loginFrom(ip, 'alice', 'guess');
    expect((await loginFrom(61, 'alice', PASSWORD)).status).toBe(429);
    // Bob's session is not alice's: it does not help.
    const bob = await h.login('bob');
    expect((await loginFrom(61, 'alice', PASSWORD, { authorization: `Bearer ${bob.token}` })).status).toBe(
      429,
    );
    expect((await loginFrom(61, 'alice', PASSWORD, { authorization: `Bearer ${token}` })).status).toBe(200);

    for (let ip = 30; ip < 42; ip++) await loginFrom(ip, 'alice', 'guess');
    expect((await loginFrom(62, 'alice', PASSWORD)).status).toBe(429);
    const admin = await h.agent('root');
    const alice = await h.storage.agents.findByName('alice');
    const { password } = await admin.ok<{ password: string }>('password:reset', { agentId: alice!.id });
    expect((await loginFrom(62, 'alice', password)).status).toBe(200);
  });

  it('refuses an address past its configured count of wrong passwords, right ones included', async () => {
    for (let i = 0; i < 20; i++) expect((await loginFrom(70, `name${i}`, 'guess')).status).toBe(401);
    const refused = await loginFrom(70, 'bob', PASSWORD);
    expect(refused).toMatchObject({ status: 429 });
    expect(refused.body.error?.message).toMatch(/too many wrong passwords from your address/);
    expect((await loginFrom(71, 'bob', PASSWORD)).status).toBe(200);
  });

  it('treats an unknown name exactly like a known one, so refusals say nothing about which exist', async () => {
    const answers = async (name: string, ip: number) => {
      const out: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await loginFrom(ip, name, 'guess');
        out.push(`${res.status} ${res.body.error?.message}`);
      }
      return out;
    };
    expect(await answers('nobody', 80)).toEqual(await answers('alice', 81));
  });
});

/** Issue 20 item 2: which address counts, with and without `trustProxy`. */
describe('sign-in limits behind a proxy', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });
  const through = (forwardedFor: string, password: string) =>
    postJsonFrom(
      `${h.url}/api/login`,
      { name: 'alice', password },
      { localAddress: loopback(1), headers: { 'x-forwarded-for': forwardedFor } },
    );

  it('ignores X-Forwarded-For by default: a guesser cannot pose as many addresses', async () => {
    h = await startHarness({ apns: false });
    await h.login('alice');
    for (let i = 1; i <= 3; i++) expect((await through(`203.0.113.${i}`, 'guess')).status).toBe(401);
    expect((await through('203.0.113.9', 'guess')).status).toBe(429);
  });

  it('believes a trusted proxy: clients behind it are told apart', async () => {
    h = await startHarness({ apns: false, config: { trustProxy: ['127.0.0.1'] } });
    await h.login('alice');
    for (let i = 0; i < 4; i++) await through('203.0.113.1', 'guess');
    expect((await through('203.0.113.1', PASSWORD)).status).toBe(429);
    expect((await through('203.0.113.2', PASSWORD)).status).toBe(200);
  });
});
