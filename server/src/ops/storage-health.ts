import type { Clock, TimerHandle } from '#shared';
import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import { storageFailure } from '../storage/errors';
import type { Storage } from '../storage/types';
import type { Logger } from './logger';

/** A failed write keeps storage unhealthy this long (issue 20 item 12). */
export const STORAGE_FAILURE_WINDOW_MS = 60_000;

export interface StorageState {
  ok: boolean;
  /** What stops the server from saving, in words (`disk full`); null when it saves. */
  problem: string | null;
  /** When the problem was first seen, in this spell of failures. */
  since: number | null;
}

/**
 * What the database did with the server's real work, not only with `/healthz`'s probe: a one-row
 * probe can still fit in SQLite's WAL while every call that needs a new page fails on a full disk.
 * Every storage call goes through `watch`; one that fails for the storage's sake (storageFailure)
 * makes storage unhealthy until a minute has passed without another, and reaches the caller as
 * UNAVAILABLE with the problem in words rather than as an internal error. `onChange` hears each
 * turn (consoles show "The server cannot save: disk full" while it lasts).
 */
export class StorageHealth {
  private failing: { problem: string; since: number; last: number } | null = null;
  private recovery: TimerHandle | null = null;

  constructor(
    private readonly o: { clock: Clock; logger: Logger; onChange: (state: StorageState) => void },
  ) {}

  state(): StorageState {
    const f = this.failing;
    return f ? { ok: false, problem: f.problem, since: f.since } : { ok: true, problem: null, since: null };
  }

  /** Notes a failure whose cause is known in words (a probe that timed out, say). */
  failed(problem: string, err: unknown): void {
    const now = this.o.clock.now();
    const turned = this.failing === null || this.failing.problem !== problem;
    // Logged once per problem and minute: a full disk fails every write, and the log is on that disk.
    if (turned || now - this.failing!.last >= STORAGE_FAILURE_WINDOW_MS) {
      this.o.logger.error({ err, problem }, 'the database failed a write');
    }
    this.failing = { problem, since: turned ? now : this.failing!.since, last: now };
    if (this.recovery) this.o.clock.clearTimeout(this.recovery);
    this.recovery = this.o.clock.setTimeout(() => this.recover(), STORAGE_FAILURE_WINDOW_MS);
    if (turned) this.o.onChange(this.state());
  }

  /** The storage, every call of every store watched. */
  watch(storage: Storage): Storage {
    const watched = { ...storage } as Record<string, unknown>;
    for (const [name, store] of Object.entries(storage)) {
      if (typeof store === 'object' && store !== null) watched[name] = this.watchStore(store);
    }
    return watched as unknown as Storage;
  }

  stop(): void {
    if (this.recovery) this.o.clock.clearTimeout(this.recovery);
    this.recovery = null;
  }

  private watchStore(store: object): object {
    const watched: Record<string, unknown> = {};
    const methods = store as Record<string, (...a: unknown[]) => unknown>;
    for (const [name, value] of Object.entries(store)) {
      if (typeof value !== 'function') {
        watched[name] = value;
        continue;
      }
      // Looked up at each call, not kept: whoever holds the store itself sees what the server does.
      watched[name] = (...args: unknown[]) => {
        try {
          const result = methods[name]!.apply(store, args);
          return result instanceof Promise ? result.catch((err: unknown) => this.rethrow(err)) : result;
        } catch (err) {
          return this.rethrow(err);
        }
      };
    }
    return watched;
  }

  private rethrow(err: unknown): never {
    const problem = storageFailure(err);
    if (problem === null) throw err;
    this.failed(problem, err);
    throw new AppError(ERROR_CODES.UNAVAILABLE, `the server cannot save right now: ${problem}`, {
      cause: err,
    });
  }

  private recover(): void {
    this.recovery = null;
    if (!this.failing) return;
    this.o.logger.info({ problem: this.failing.problem }, 'the database took writes again');
    this.failing = null;
    this.o.onChange(this.state());
  }
}
