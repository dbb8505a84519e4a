import pg from 'pg';
import type { Locks } from '../calls/ports';
import type { HeldCalls } from './held-calls';

const LOCK = 'select pg_advisory_xact_lock(hashtextextended($1, 0))';
/**
 * The transaction and its first lock in one round trip: every change of a call takes one, and each
 * statement is a write and a wait on the socket. Parameters would take the extended protocol, which
 * allows one statement per query; the simple protocol takes both, with the key as a quoted literal.
 */
const lockStatement = (client: pg.PoolClient, key: string) =>
  `select pg_advisory_xact_lock(hashtextextended(${client.escapeLiteral(key)}, 0))`;

/**
 * Cross-node serialization through PostgreSQL: a transaction-scoped advisory lock per key, taken
 * on a pool of its own. The guarded task reads and writes through other pools (the storage's, the
 * timers'), so the lock holds nothing else up; a node that dies mid-task loses its connection and
 * PostgreSQL lets the lock go at once, so no key stays held by a dead node.
 *
 * A task may take a second key inside the first (an agent's accept takes the agent, then the call;
 * a phone's answer the phone, then the call): it takes it on the connection it already holds, in
 * the same transaction, so no task ever holds one of the pool's connections while waiting for
 * another, and no number of tasks at once can use the pool up and wait on each other (issue 22
 * item 11). The call's key is always the inner one, so no two tasks wait on each other in a cycle.
 */
export function postgresKeyLock(databaseUrl: string, poolSize = 40, calls?: HeldCalls) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client that loses its connection must not take the process down.
  pool.on('error', () => undefined);
  /**
   * Takes `key` on `client` (after `begin` when `first`), with the read of its call when it is a
   * call's (held-calls.ts), in one round trip; the read is dropped when the hold ends.
   */
  const take = async (client: pg.PoolClient, key: string, first: boolean) => {
    const read = calls?.statement(key, (s) => client.escapeLiteral(s));
    if (!read && !first) {
      await client.query(LOCK, [key]);
      return;
    }
    const sql = [first ? 'begin' : null, lockStatement(client, key), read].filter(Boolean).join('; ');
    const results = (await client.query(sql)) as unknown as pg.QueryResult[] | pg.QueryResult;
    if (read && Array.isArray(results)) calls?.read(key, results[results.length - 1]!.rows);
  };
  const release = (key: string) => calls?.released(key);
  /** Further keys, taken on a connection that holds one already. */
  const on = (client: pg.PoolClient): Locks => ({
    async hold(key, task) {
      try {
        await take(client, key, false);
        return await task(on(client));
      } finally {
        release(key);
      }
    },
  });
  const locks: Locks = {
    async hold(key, task) {
      const client = await pool.connect();
      let broken = false;
      try {
        await take(client, key, true);
        return await task(on(client));
      } catch (error) {
        broken = true;
        throw error;
      } finally {
        release(key);
        await client.query(broken ? 'rollback' : 'commit').catch(() => undefined);
        client.release();
      }
    },
  };
  return { locks, close: () => pool.end() };
}
