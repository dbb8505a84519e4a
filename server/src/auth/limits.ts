import type pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type RateLimiterRes,
} from 'rate-limiter-flexible';

/**
 * Where limits are counted (rate-limiter-flexible's stores), picked once at start-up: a cluster's
 * Redis, so every node counts the same guesses; a PostgreSQL server's own database, so a restart
 * does not forgive them; or memory, for one process on SQLite.
 *
 * The stores keep time by the wall clock (the library has no clock to inject; Redis counts TTLs
 * itself), not the server's injected clock: tests that must let a window pass move Date.
 */
export type LimitStore =
  | { kind: 'memory' }
  | { kind: 'redis'; client: unknown; prefix: string }
  | { kind: 'postgres'; pool: pg.Pool };

export interface LimitOptions {
  /** Names the counter in the store (keys are `<name>:<key>`). */
  name: string;
  /** Points a key may take in a window; past that, consume() refuses. */
  points: number;
  /** The window, in seconds, from a key's first point. */
  durationSec: number;
}

export type Limiter = RateLimiterAbstract;

/** The one table every PostgreSQL limiter shares; keys carry their limiter's name. */
const PG_TABLE = 'rate_limits';

/** Makes limiters on one store. PostgreSQL's table is made (if missing) before the first is used. */
export async function limiterFactory(store: LimitStore): Promise<(o: LimitOptions) => Limiter> {
  if (store.kind === 'memory') {
    return (o) => new RateLimiterMemory({ keyPrefix: o.name, points: o.points, duration: o.durationSec });
  }
  if (store.kind === 'redis') {
    return (o) =>
      new RateLimiterRedis({
        storeClient: store.client,
        useRedisPackage: true,
        keyPrefix: `${store.prefix}:limit:${o.name}`,
        points: o.points,
        duration: o.durationSec,
      });
  }
  await new Promise<void>((resolve, reject) => {
    new RateLimiterPostgres(
      {
        storeClient: store.pool,
        storeType: 'pool',
        tableName: PG_TABLE,
        keyPrefix: 'setup',
        points: 1,
        duration: 1,
      },
      (err?: unknown) => (err ? reject(err) : resolve()),
    );
  });
  return (o) =>
    new RateLimiterPostgres({
      storeClient: store.pool,
      storeType: 'pool',
      tableName: PG_TABLE,
      tableCreated: true,
      // Expired rows are deleted by the library every 5 minutes; its timer does not hold the process.
      clearExpiredByTimeout: true,
      keyPrefix: o.name,
      points: o.points,
      duration: o.durationSec,
    });
}

/** Points taken so far in the key's live window (0 when none), whatever the store. */
export async function taken(limiter: Limiter, key: string): Promise<{ points: number; msLeft: number }> {
  const res = (await limiter.get(key)) as RateLimiterRes | null;
  // The memory store keeps a record until its own timer removes it: an expired one counts for nothing.
  if (!res || res.msBeforeNext <= 0) return { points: 0, msLeft: 0 };
  return { points: res.consumedPoints, msLeft: res.msBeforeNext };
}

/** Takes a point; null when taken, else how long until the key has one again. */
export async function take(limiter: Limiter, key: string): Promise<number | null> {
  try {
    await limiter.consume(key);
    return null;
  } catch (rejected) {
    if (rejected instanceof Error) throw rejected;
    return Math.max(1, (rejected as RateLimiterRes).msBeforeNext);
  }
}
