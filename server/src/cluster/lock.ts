import { hash } from 'node:crypto';
import pg from 'pg';
import type { Call } from '#shared';
import type { HeldRows, Locks } from '../calls/ports';
import { jsonOnce } from '../json-once';
import { callUpsertText } from '../storage/calls';
import { pgLiteral } from '../storage/literal';
import { type HeldCalls, isCallKey } from './held-calls';
import { SharedRows, VERSIONS_STATEMENT } from './shared-rows';

/** An agent's or a phone's key (a call's is its id): the tasks that read staff, phones and callbacks. */
const PARTY_KEY = /^(agent|device):/;
const LOCK = 'select pg_advisory_xact_lock(hashtextextended($1, 0))';
/** Connections a node changes calls on by their own key (`callPool` in `postgresKeyLock`). */
const CALL_POOL_SIZE = 10;
/** What `call_unchanged` (migration 0016) raises when the call is no longer the copy. */
const SERIALIZATION_FAILURE = '40001';

/** A call's copy that another node changed since: the task runs again under the lock. */
export class StaleCopy extends Error {
  /** `call`: the call's id, or what the task read of calls. */
  constructor(call: string) {
    super(`${call} changed on another node since this node's copy`);
  }
}

/** Only a stale copy stands for the error a check was run for (a database error does not). */
const staleOnly = (error: unknown) => {
  if (error instanceof StaleCopy) throw error;
};

/**
 * A hold's transaction on its connection: open until `persist` commits it; `checks`, those of the
 * call copies its task decided from (`within`), not yet run; `copies`, whether a call's key taken
 * inside may begin from this node's copy (not when the task runs again after a stale one).
 */
interface Tx {
  open: boolean;
  checks: string[];
  copies: boolean;
}

/**
 * The transaction and its first lock in one round trip: every change of a call takes one, and each
 * statement is a write and a wait on the socket. Parameters would take the extended protocol, which
 * allows one statement per query; the simple protocol takes both, with the key as a quoted literal.
 */
const lockStatement = (key: string) => `select pg_advisory_xact_lock(hashtextextended(${pgLiteral(key)}, 0))`;

/** The call's lock, and the check that it is still the version whose document hashes to `sha256`. */
const checkStatements = (key: string, sha256: string) =>
  `${lockStatement(key)}; select call_unchanged(${pgLiteral(key)}, '${sha256}')`;
/** The hash `call_unchanged` compares: of the call's document as stored (storage/calls.ts). */
const docHash = (call: Call) => hash('sha256', jsonOnce(call));
/** `query`, with `call_unchanged`'s failure as a StaleCopy of `call`. */
const orStale = <T>(query: Promise<T>, call: string): Promise<T> =>
  query.catch((error) => {
    throw (error as { code?: string }).code === SERIALIZATION_FAILURE ? new StaleCopy(call) : error;
  });
/** What a party's task read of calls from copies (`within`), as a StaleCopy names it. */
const COPIES_READ = 'a call this task read';

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
 *
 * A live call's key is not taken first, though: its task begins from this node's copy of the call
 * (`calls.copy`), and the call's lock is taken with the write, together with the check that the
 * call is still that copy (`optimistic`, `within`). Only a copy found stale, or a call the node has
 * no copy of, is read under its lock first (`locked`).
 */
export function postgresKeyLock(
  databaseUrl: string,
  poolSize = 40,
  calls?: HeldCalls,
  shared?: SharedRows,
  callPoolSize = CALL_POOL_SIZE,
) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  /**
   * A call's own changes (its key first: `optimistic`, and `locked` when they read the call) on
   * connections of their own. The party tasks of a call (its phones' answers, its agents' accepts)
   * hold lock connections while they wait for the call's in-process queue; a change of the call's
   * own that ran first there, needing one of the same pool, would wait for them in turn.
   */
  const callPool = new pg.Pool({ connectionString: databaseUrl, max: callPoolSize });
  // An idle client that loses its connection must not take the process down.
  pool.on('error', () => undefined);
  callPool.on('error', () => undefined);
  /**
   * Takes `key` on `client` (after `begin` when `first`), with the read of its call when it is a
   * call's (held-calls.ts), in one round trip; the read is dropped when the hold ends. A party's
   * first key reads the kept tables' versions too: its task's reads of staff and phones (a
   * placement) or callbacks (an answer, an accept) are answered from `shared` at those versions.
   */
  const take = async (
    client: pg.PoolClient,
    key: string,
    first: boolean,
    beforeWrite?: () => Promise<void>,
  ): Promise<HeldRows | undefined> => {
    const read = calls?.statement(key, pgLiteral);
    const versions = first && shared && PARTY_KEY.test(key) ? VERSIONS_STATEMENT : null;
    if (!read && !first) {
      await client.query(LOCK, [key]);
      return undefined;
    }
    const statements = [first ? 'begin' : null, lockStatement(key), versions, read].filter((s) => s !== null);
    const results = (await client.query(statements.join('; '))) as unknown as pg.QueryResult[];
    if (read) calls?.read(key, results[statements.indexOf(read)]!.rows);
    const seen = versions && SharedRows.versions(results[statements.indexOf(versions)]!.rows);
    return seen ? shared?.at(seen, beforeWrite) : undefined;
  };
  const release = (key: string) => calls?.released(key);
  /** Further keys, taken on a connection that holds one already (`tx.open`: its transaction goes on). */
  const on = (client: pg.PoolClient, tx: Tx, rows: HeldRows | undefined): Locks => ({
    rows,
    // A task that acts on what it did not store checks the copies it decided from first (ports.ts).
    confirm: () => checkCopies(client, tx),
    async hold(key, task) {
      const copy = tx.open && tx.copies ? calls?.copy(key) : undefined;
      if (copy) return within(client, tx, rows, key, copy, task);
      // After `persist` the transaction is over: a key taken then begins one again, or its lock
      // (transaction-scoped) would end with its own statement.
      const first = !tx.open;
      tx.open = true;
      try {
        const seen = await take(client, key, first);
        return await task(on(client, tx, seen ?? rows));
      } finally {
        release(key);
      }
    },
  });
  /** Runs the checks of the call copies `tx`'s decisions came from, in its transaction. */
  const checkCopies = async (client: pg.PoolClient, tx: Tx) => {
    if (tx.open && tx.checks.length > 0) {
      const checks = tx.checks.splice(0);
      await orStale(client.query(checks.join('; ')), COPIES_READ);
    }
  };
  /**
   * A live call's key inside a party's (a phone's answer, an agent's accept) from this node's copy
   * of the call, as `optimistic` does alone: its lock and check go with the party's write and
   * commit (`persist`), or run on their own when the task stores nothing. When the copy was stale
   * the party's whole task runs again, under its locks and with the call read (`locked`).
   */
  const within = async <T>(
    client: pg.PoolClient,
    tx: Tx,
    rows: HeldRows | undefined,
    key: string,
    copy: Call,
    task: (inner: Locks) => Promise<T>,
  ): Promise<T> => {
    calls?.holding(key, copy);
    tx.checks.push(checkStatements(key, docHash(copy)));
    try {
      const result = await task(on(client, tx, rows)).catch(async (error) => {
        // A refusal made from a stale copy may not be one: checked, it stands or the task runs again.
        if (!(error instanceof StaleCopy)) await checkCopies(client, tx).catch(staleOnly);
        throw error;
      });
      await checkCopies(client, tx);
      return result;
    } finally {
      release(key);
    }
  };
  /**
   * A live call's change from this node's copy of it (`HeldCalls.copy`): no round trip to lock and
   * read it; its write takes the lock and checks that the call is still that copy, in one round
   * trip (`checked`). When another node changed it meanwhile, the check fails and nothing of the
   * task's is stored: the task runs again, under the lock (`locked`), on the call as stored.
   */
  const optimistic = async <T>(key: string, copy: Call, task: (inner: Locks) => Promise<T>): Promise<T> => {
    /** The version a write expects to find: the copy's, then each one this hold stored. */
    let expected = docHash(copy);
    const staged: string[] = [];
    /** The copy was found to be the call as stored (`confirm`), or the hold stored a change. */
    let settled = false;
    let stored = false;
    const checked = async (statements: string[]) => {
      await orStale(
        callPool.query([checkStatements(key, expected), ...statements].join('; ')),
        `call ${key}`,
      );
      settled = true;
    };
    const confirm = async () => {
      if (!settled) await checked(staged.splice(0));
    };
    const inner: Locks = {
      hold() {
        throw new Error(`a call's hold takes no other key (${key})`);
      },
      also(statement) {
        staged.push(statement(pgLiteral));
      },
      async persist(call) {
        await checked([...staged.splice(0), callUpsertText(call, pgLiteral)]);
        stored = true;
        expected = docHash(call);
        // From now on the copy is no longer this hold's: the next change begins from its own.
        calls?.released(key);
      },
      confirm,
      async needLock() {
        if (!settled) throw new StaleCopy(`call ${key}`);
      },
    };
    calls?.holding(key, copy);
    try {
      const result = await task(inner).catch(async (error) => {
        // A refusal made from a copy another node had changed may not be one: it is checked.
        if (!(error instanceof StaleCopy)) await confirm().catch(staleOnly);
        throw error;
      });
      // Decided without storing the call: it stands only if the copy was the call as stored.
      await confirm();
      if (staged.length > 0) await callPool.query(staged.splice(0).join('; '));
      return result;
    } catch (error) {
      // Nothing of the task's is stored: it runs again, under the lock, on the call as stored.
      if (!(error instanceof StaleCopy) || stored) throw error;
      calls?.stale(key);
      return locked(key, task, callPool);
    } finally {
      calls?.released(key);
    }
  };
  const locked = async <T>(
    key: string,
    task: (inner: Locks) => Promise<T>,
    from: pg.Pool = pool,
    copies = true,
  ): Promise<T> => {
    const client = await from.connect();
    const tx: Tx = { open: true, checks: [], copies };
    let broken = false;
    /** `also`'s statements, written by `persist` (or, should none come, with the commit). */
    const staged: string[] = [];
    const inner: Locks = {
      hold: (key, task) => on(client, tx, inner.rows).hold(key, task),
      also(statement) {
        staged.push(statement(pgLiteral));
      },
      /**
       * The call's upsert and `commit` as one simple-protocol query on the lock's connection: a
       * change under a call's lock was the lock with its read, the write (on the storage's pool),
       * then the commit, three round trips; now two, and the write is atomic with the release.
       * With the checks of the call copies the task decided from (`within`), first.
       */
      async persist(call) {
        const upsert = callUpsertText(call, pgLiteral);
        const ends = tx.open;
        const statements = [...tx.checks.splice(0), ...staged.splice(0), upsert, ends ? 'commit' : null];
        // On an error the transaction stays open (aborted): the hold rolls it back as it ends.
        await orStale(client.query(statements.filter(Boolean).join('; ')), COPIES_READ);
        if (!ends) return;
        tx.open = false;
        // Another node may change the call from now on: the copy read with the lock is no longer it.
        release(key);
      },
      // The copies' checks run now, in this transaction: their calls' locks are held from then on.
      needLock: () => checkCopies(client, tx),
    };
    try {
      inner.rows = await take(client, key, true, inner.needLock);
      return await task(inner);
    } catch (error) {
      broken = true;
      throw error;
    } finally {
      release(key);
      const end = broken ? 'rollback' : [...tx.checks.splice(0), ...staged.splice(0), 'commit'].join('; ');
      if (tx.open) await client.query(end).catch(() => undefined);
      client.release();
    }
  };
  /** `locked`, run once more with every call read under its lock when a call copy was stale. */
  const lockedOnce = async <T>(key: string, task: (inner: Locks) => Promise<T>): Promise<T> => {
    try {
      return await locked(key, task);
    } catch (error) {
      if (!(error instanceof StaleCopy)) throw error;
      calls?.stale(key);
      return locked(key, task, pool, false);
    }
  };
  const locks: Locks = {
    hold(key, task) {
      if (!isCallKey(key)) return lockedOnce(key, task);
      const copy = calls?.copy(key);
      return copy ? optimistic(key, copy, task) : locked(key, task, callPool);
    },
  };
  return {
    locks,
    async close() {
      await pool.end();
      await callPool.end();
    },
  };
}
