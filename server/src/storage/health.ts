import { type Kysely, sql } from 'kysely';
import type { Database } from './schema';
import type { HealthStore, Storage } from './types';

/** SQLite's busy timeout while the probe writes; restored to the connection's own afterwards. */
const PROBE_BUSY_MS = 250;

/**
 * A one-row upsert, so `/healthz` proves the database takes writes (a full disk, a lock held by
 * another process, a PostgreSQL that failed over to a read-only standby), not only that it answers.
 * Concurrent probes share one write.
 */
export function healthStore(
  db: Kysely<Database>,
  engine: Storage['engine'],
  busyTimeoutMs: number,
): HealthStore {
  let running: Promise<void> | null = null;

  const write = async (at: number, timeoutMs: number): Promise<void> => {
    const upsert = (target: Kysely<Database>) =>
      target
        .insertInto('health_probe')
        .values({ id: 1, checked_at: at })
        .onConflict((oc) => oc.column('id').doUpdateSet({ checked_at: at }))
        .execute();
    if (engine === 'sqlite') {
      // better-sqlite3 is synchronous: the connection's 5 s busy wait would stall the event loop,
      // so the probe waits a short while for the write lock and then reports the database busy.
      await db.connection().execute(async (conn) => {
        await sql.raw(`pragma busy_timeout = ${Math.min(PROBE_BUSY_MS, timeoutMs)}`).execute(conn);
        try {
          await upsert(conn);
        } finally {
          await sql.raw(`pragma busy_timeout = ${busyTimeoutMs}`).execute(conn);
        }
      });
      return;
    }
    await db.transaction().execute(async (tx) => {
      await sql.raw(`set local statement_timeout = ${Math.max(1, Math.round(timeoutMs))}`).execute(tx);
      await upsert(tx);
    });
  };

  return {
    probeWrite(at, timeoutMs) {
      running ??= withTimeout(write(at, timeoutMs), timeoutMs).finally(() => {
        running = null;
      });
      return running;
    },
  };
}

/** Also bounds what the database's own timeout cannot: waiting for a pooled connection. */
function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no write within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
