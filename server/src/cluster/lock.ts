import pg from 'pg';

/** Runs `task` while holding `key` (a call, an agent, a phone) against every node of the cluster. */
export type KeyLock = <T>(key: string, task: () => Promise<T>) => Promise<T>;

/**
 * Cross-node serialization through PostgreSQL: a transaction-scoped advisory lock per key, taken
 * on a pool of its own. The guarded task reads and writes through the storage's pool, so the lock
 * holds nothing else up; a node that dies mid-task loses its connection and PostgreSQL lets the
 * lock go at once, so no key stays held by a dead node.
 *
 * A task may take a second key inside the first (an agent's accept takes the agent, then the call;
 * a phone's answer the phone, then the call): the call's key is always the inner one, so no two
 * tasks wait on each other in a cycle.
 */
export function postgresKeyLock(databaseUrl: string, poolSize = 40) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client that loses its connection must not take the process down.
  pool.on('error', () => undefined);
  const lock: KeyLock = async (key, task) => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [key]);
      return await task();
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      await client.query(broken ? 'rollback' : 'commit').catch(() => undefined);
      client.release();
    }
  };
  /** Runs `task` only if no node holds `key` right now; resolves null when one does. */
  const tryLock = async <T>(key: string, task: () => Promise<T>): Promise<T | null> => {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ ok: boolean }>(
        'select pg_try_advisory_xact_lock(hashtextextended($1, 0)) as ok',
        [key],
      );
      return rows[0]?.ok ? await task() : null;
    } finally {
      await client.query('commit').catch(() => undefined);
      client.release();
    }
  };
  return { lock, tryLock, pool, close: () => pool.end() };
}
