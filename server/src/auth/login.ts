import type { Clock } from '#shared';
import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import type { AgentRow, Storage } from '../storage/types';
import { RateLimiter } from './rate-limit';
import { hashPassword, hashSecret, newSecret, verifyPassword } from './secrets';

export type PasswordVerifier = (password: string, stored: string) => Promise<boolean>;

/** Wrong passwords an account may have before its backoff starts: people mistype. */
const FREE_FAILURES = 3;
const FIRST_DELAY_MS = 1_000;
/** The most an address with failures waits between two tries at one account. */
export const MAX_LOGIN_DELAY_MS = 30_000;
/** An account with no failure for this long starts again from zero. */
const FORGET_AFTER_MS = 15 * 60_000;
/** Accounts (and addresses per account) remembered at most, so a flood of names cannot grow memory. */
const MAX_TRACKED = 10_000;

/** The wait an address with failures has before its next try, after `failures` wrong passwords. */
export const loginDelayAfter = (failures: number): number =>
  failures < FREE_FAILURES
    ? 0
    : Math.min(MAX_LOGIN_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES));

interface AccountState {
  failures: number;
  /** The last failure, or the last try let through from an address with failures. */
  lastAt: number;
  /** Addresses that sent a wrong password for this account since its last success. */
  failedFrom: Set<string>;
}

/**
 * Per-account backoff (issue 10 item 10) that an attacker cannot turn into a lock-out: failures
 * slow down only the addresses that made them. Once an account has had a few wrong passwords,
 * those addresses share one try per window, the window doubling with each failure up to 30 s;
 * an address that has sent no wrong password for the account is never held back, so the agent at
 * their own desk signs in while someone elsewhere guesses. A success resets the account. Unknown
 * names are tracked exactly like real ones, so the backoff says nothing about which names exist.
 */
export class AccountBackoff {
  private readonly accounts = new Map<string, AccountState>();

  constructor(private readonly clock: Clock) {}

  /** 0 when this address may try the account now (and takes the window's one try); else ms to wait. */
  admit(account: string, ip: string): number {
    const state = this.current(account);
    if (!state?.failedFrom.has(ip)) return 0;
    const wait = state.lastAt + loginDelayAfter(state.failures) - this.clock.now();
    if (wait > 0) return wait;
    state.lastAt = this.clock.now();
    return 0;
  }

  failed(account: string, ip: string): void {
    const now = this.clock.now();
    const state = this.current(account) ?? { failures: 0, lastAt: now, failedFrom: new Set<string>() };
    state.failures += 1;
    state.lastAt = now;
    if (state.failedFrom.size < MAX_TRACKED) state.failedFrom.add(ip);
    this.accounts.delete(account);
    this.accounts.set(account, state);
    if (this.accounts.size > MAX_TRACKED) this.forgetOldest();
  }

  succeeded(account: string): void {
    this.accounts.delete(account);
  }

  private current(account: string): AccountState | undefined {
    const state = this.accounts.get(account);
    if (state && this.clock.now() - state.lastAt > FORGET_AFTER_MS) {
      this.accounts.delete(account);
      return undefined;
    }
    return state;
  }

  /** The map keeps insertion order and failed() re-inserts, so the first entry is the stalest. */
  private forgetOldest(): void {
    const oldest = this.accounts.keys().next();
    if (!oldest.done) this.accounts.delete(oldest.value);
  }
}

export interface SignedIn {
  token: string;
  agentId: string;
  name: string;
  role: AgentRow['role'];
  expiresAt: number;
}

/**
 * `POST /api/login`. An unknown name costs the same scrypt as a wrong password (a dummy hash made
 * with the same parameters), so the answer's timing does not tell which names exist.
 */
export class LoginService {
  private readonly backoff: AccountBackoff;
  /** Wrong passwords per address: 10, then one every 6 s. A whole office behind one NAT signs in. */
  private readonly perIp: RateLimiter;
  private readonly verify: PasswordVerifier;
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly o: { storage: Storage; clock: Clock; sessionTtlMs: number; verify?: PasswordVerifier },
  ) {
    this.backoff = new AccountBackoff(o.clock);
    this.perIp = new RateLimiter(o.clock, 10, 10 / 60);
    this.verify = o.verify ?? verifyPassword;
    // Made once, up front, so the first unknown name does not pay for hashing as well.
    this.dummyHash = hashPassword(newSecret());
    this.dummyHash.catch(() => undefined);
  }

  async signIn(name: string, password: string, ip: string): Promise<SignedIn> {
    const account = name.toLowerCase();
    const wait = this.backoff.admit(account, ip);
    if (wait > 0) {
      throw new AppError(
        ERROR_CODES.RATE_LIMITED,
        `too many wrong passwords for this name from your address; try again in ${Math.ceil(wait / 1000)} s`,
      );
    }
    // Taken before the scrypt (concurrent guesses cannot all pass a peek), given back on success.
    if (!this.perIp.take(ip)) {
      throw new AppError(
        ERROR_CODES.RATE_LIMITED,
        'too many wrong sign-ins from your address; wait a minute',
      );
    }
    const agent = await this.o.storage.agents.findByName(name);
    const matches = await this.verify(password, agent?.passwordHash ?? (await this.dummyHash));
    if (!agent || !matches) {
      this.backoff.failed(account, ip);
      throw new AppError(ERROR_CODES.UNAUTHORIZED, 'wrong name or password');
    }
    this.perIp.refund(ip);
    this.backoff.succeeded(account);
    // Said only to whoever knows the password: a guesser learns nothing about disabled agents.
    if (agent.disabledAt !== null) {
      throw new AppError(
        ERROR_CODES.FORBIDDEN,
        'this agent is disabled; ask an admin of your team to enable it',
      );
    }
    const token = newSecret();
    const now = this.o.clock.now();
    const expiresAt = now + this.o.sessionTtlMs;
    await this.o.storage.sessions.create({
      tokenHash: hashSecret(token),
      agentId: agent.id,
      createdAt: now,
      expiresAt,
    });
    return { token, agentId: agent.id, name: agent.name, role: agent.role, expiresAt };
  }
}
