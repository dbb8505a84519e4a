import { EventEmitter } from 'node:events';
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Logger } from '../ops/logger';
import type { Database } from './schema';

/** Whose access changed: an agent (removed, disabled, a new role or password), a session, or (neither) anyone's. */
export interface AccessChange {
  agentId?: string;
  tokenHash?: string;
}

/**
 * How every server on a database learns that someone's access changed, so each can check its
 * signed-in consoles at once instead of at the next sweep (issue 20 item 11). The change itself is
 * already written; a notice only says where to look again.
 */
export interface AccessFeed {
  /** Tells every server on this database, this process's included, after the change is written. */
  announce(change: AccessChange): Promise<void>;
  /** Hears every notice until the returned function is called. */
  listen(listener: (change: AccessChange) => void): Promise<() => Promise<void>>;
  /**
   * Whether another process wrote to the database since the last call. SQLite's other processes
   * (the `agents` CLI) cannot send a notice, so the server asks this every second; PostgreSQL's
   * notices arrive by themselves and this is always false there.
   */
  othersWrote(): boolean;
}

/** SQLite: notices within this process; other processes' writes seen through PRAGMA data_version. */
export function sqliteAccessFeed(database: BetterSqlite3.Database | null): AccessFeed {
  const local = new EventEmitter();
  let seen: number | null = null;
  return {
    async announce(change) {
      local.emit('change', change);
    },
    async listen(listener) {
      local.on('change', listener);
      return async () => void local.off('change', listener);
    },
    othersWrote() {
      // data_version changes only when another connection commits, so this process's own writes
      // never count; reading it costs no I/O.
      if (!database?.open) return false;
      const version = Number(database.pragma('data_version', { simple: true }));
      const changed = seen !== null && version !== seen;
      seen = version;
      return changed;
    },
  };
}

/** One channel for every database and schema; a notice names its schema and is ignored elsewhere. */
const CHANNEL = 'switchboard_access';
/** How long a lost LISTEN connection waits before it tries again. */
const RELISTEN_MS = 1_000;

/**
 * PostgreSQL: NOTIFY through the storage's own pool, LISTEN on a connection of its own. Every node
 * of a cluster, and the `agents` CLI, share the database, so a notice reaches them all at once. A
 * LISTEN connection that was lost may have missed notices: once back it hears "anyone's" access.
 */
export function postgresAccessFeed(db: Kysely<Database>, url: string, logger?: Logger): AccessFeed {
  let schema: Promise<string> | null = null;
  const ownSchema = () => {
    schema ??= sql<{ s: string }>`select current_schema() as s`.execute(db).then((r) => r.rows[0]?.s ?? '');
    return schema;
  };
  return {
    async announce(change) {
      const payload = JSON.stringify({ schema: await ownSchema(), ...change });
      await sql`select pg_notify(${CHANNEL}, ${payload})`.execute(db);
    },
    async listen(listener) {
      const mine = await ownSchema();
      let stopped = false;
      let client: pg.Client | null = null;
      let retry: NodeJS.Timeout | null = null;
      const connect = async (missed: boolean) => {
        const next = new pg.Client({ connectionString: url });
        next.on('notification', (n) => {
          if (n.channel !== CHANNEL || !n.payload) return;
          const {
            schema: theirs,
            agentId,
            tokenHash,
          } = JSON.parse(n.payload) as AccessChange & { schema: string };
          if (theirs === mine) listener({ agentId, tokenHash });
        });
        const lost = (err?: Error) => {
          if (stopped || client !== next) return;
          client = null;
          logger?.warn({ err }, 'lost the connection that hears access changes; listening again');
          retry = setTimeout(() => void connect(true).catch(() => lost()), RELISTEN_MS);
        };
        next.on('error', lost);
        next.on('end', () => lost());
        client = next;
        await next.connect();
        await next.query(`listen ${CHANNEL}`);
        if (missed) listener({});
      };
      await connect(false);
      return async () => {
        stopped = true;
        if (retry) clearTimeout(retry);
        await client?.end().catch(() => undefined);
      };
    },
    othersWrote: () => false,
  };
}
