import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import { type Limiter, type LimitOptions, take, taken } from './limits';

/** Wrong passwords for one account from one address before each try must wait: people mistype. */
export const FREE_FAILURES = 3;
/** The most a try waits, however many wrong passwords came before. */
export const MAX_LOGIN_DELAY_MS = 30_000;
/** Wrong passwords for one account, from addresses it never signed in from, before all of those wait their turn. */
export const ACCOUNT_FAILURES_BEFORE_BACKOFF = 10;
/** Failures are forgotten this long after the first of a run (a fixed window, the stores' own). */
const FAILURE_WINDOW_SEC = 15 * 60;
/**
 * An address an agent signed in from counts as theirs this long. Under 24.8 days: the memory
 * store expires each key with a Node timer, and a longer one fires at once.
 */
const KNOWN_PLACE_SEC = 14 * 24 * 3600;
/** The default of `--sign-in-address-limit`: wrong passwords per address in 15 minutes, an office's worth. */
export const DEFAULT_ADDRESS_FAILURES = 100;

/** The wait before the next try, once `failures` wrong passwords exceed `free`: 1 s doubling, at most 30 s. */
export const loginDelayAfter = (failures: number, free = FREE_FAILURES): number =>
  failures < free ? 0 : Math.min(MAX_LOGIN_DELAY_MS, 1_000 * 2 ** (failures - free));

const limited = (message: string, ms: number) =>
  new AppError(ERROR_CODES.RATE_LIMITED, `${message}; try again in ${Math.ceil(ms / 1000)} s`);

/**
 * Wrong tries at one key (an account from one address, an account, an agent's current password):
 * `free` tries, then one try per window, the window 1 s doubling to 30 s with each wrong one; a
 * success (or `clear`) ends it. Concurrent tries cannot all slip through an open window: each takes
 * the window's one slot in the store.
 */
export class Backoff {
  private readonly failures: Limiter;
  private readonly gate: Limiter;

  constructor(
    make: (o: LimitOptions) => Limiter,
    name: string,
    private readonly free: number,
  ) {
    // The counter never refuses (its points are out of reach); the gate takes one try per window.
    this.failures = make({ name: `${name}_failures`, points: 1e9, durationSec: FAILURE_WINDOW_SEC });
    this.gate = make({ name: `${name}_wait`, points: 1, durationSec: 1 });
  }

  /** Throws RATE_LIMITED, with the wait and `why`, when this try must wait. */
  async admit(key: string, why: string): Promise<void> {
    if ((await taken(this.failures, key)).points < this.free) return;
    const wait = await take(this.gate, key);
    if (wait !== null) throw limited(why, wait);
  }

  async failed(key: string): Promise<void> {
    const failures = (await this.failures.penalty(key)).consumedPoints;
    if (failures >= this.free) await this.gate.block(key, loginDelayAfter(failures, this.free) / 1000);
  }

  async clear(key: string): Promise<void> {
    await Promise.all([this.failures.delete(key), this.gate.delete(key)]);
  }
}

/**
 * How sign-in guesses are slowed without locking anyone out (issue 20 item 2). Only wrong
 * passwords count, and unknown names count exactly like real ones. Three limits:
 *
 * - tight, on an account from one address (Backoff, three free tries): the agent who mistyped
 *   waits at most 30 s; colleagues behind the same address are not touched.
 * - loose, on an address alone: `addressFailures` wrong passwords in 15 minutes (100 by default,
 *   an office's worth behind one NAT), then that address's tries are refused until the window ends,
 *   right passwords included: that is what stops one address spraying many accounts. Configurable
 *   (`--sign-in-address-limit`).
 * - across addresses, on an account (Backoff, ten free tries): wrong passwords from addresses the
 *   agent never signed in from share one try per window, so 40 addresses guessing one name are
 *   slowed as one. The rule that keeps this from locking out a named user: an address the agent
 *   signed in from in the last 14 days is never held back by it, nor is a sign-in made with one of
 *   the agent's live sessions, and either one's success (or an admin's password reset) clears it.
 *   A correct password from an unknown place is not let past the window, though: answering it
 *   would tell the guessers which of their tries was right.
 *
 * Counts live in the store the server was given (limits.ts), so a cluster's nodes share them.
 */
export class SignInLimits {
  private readonly pair: Backoff;
  private readonly account: Backoff;
  private readonly addressFailures: Limiter;
  private readonly knownPlaces: Limiter;

  constructor(
    make: (o: LimitOptions) => Limiter,
    private readonly o: { addressFailures: number },
  ) {
    this.pair = new Backoff(make, 'signin_account_address', FREE_FAILURES);
    this.account = new Backoff(make, 'signin_account', ACCOUNT_FAILURES_BEFORE_BACKOFF);
    this.addressFailures = make({
      name: 'signin_address_failures',
      points: 1e9,
      durationSec: FAILURE_WINDOW_SEC,
    });
    this.knownPlaces = make({ name: 'signin_known', points: 1e9, durationSec: KNOWN_PLACE_SEC });
  }

  /**
   * Before the password is checked: refuses (RATE_LIMITED, with the wait) a try that must wait.
   * `trusted`: the request carries a live session of this account (a sign-in from an existing one).
   */
  async admit(account: string, address: string, trusted = false): Promise<void> {
    if (trusted) return;
    const fromAddress = await taken(this.addressFailures, address);
    if (fromAddress.points >= this.o.addressFailures) {
      throw limited('too many wrong passwords from your address', fromAddress.msLeft);
    }
    const pair = `${account}|${address}`;
    await this.pair.admit(pair, 'too many wrong passwords for this name from your address');
    if (await this.known(pair)) return;
    await this.account.admit(
      account,
      'this name is being guessed from many addresses; sign in where you did before, or ask an admin to reset your password',
    );
  }

  /** A wrong password (or an unknown name): counts everywhere it applies, and sets the next wait. */
  async failed(account: string, address: string): Promise<void> {
    const pair = `${account}|${address}`;
    await this.addressFailures.penalty(address);
    await this.pair.failed(pair);
    if (!(await this.known(pair))) await this.account.failed(account);
  }

  /** A right password: that place is the agent's now, and their backoffs are over. */
  async succeeded(account: string, address: string): Promise<void> {
    const pair = `${account}|${address}`;
    await Promise.all([
      this.pair.clear(pair),
      this.knownPlaces.set(pair, 1, KNOWN_PLACE_SEC),
      this.clearAccount(account),
    ]);
  }

  /** Ends the account's backoff across addresses (an admin reset the password, or the agent signed in). */
  clearAccount(account: string): Promise<void> {
    return this.account.clear(account);
  }

  private async known(pair: string): Promise<boolean> {
    return (await taken(this.knownPlaces, pair)).points > 0;
  }
}
