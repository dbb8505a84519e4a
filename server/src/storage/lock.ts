import os from 'node:os';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';

/**
 * One server per database (issue 10 item 1): a second server on the same database would take the
 * first one's live calls for orphans and end them. Both holds below are released by the operating
 * system or PostgreSQL when the process dies, kill -9 included, so a crash never leaves a stale lock.
 */
export interface DatabaseLock {
  /** Why the hold was lost (its connection broke), or null while it is held. */
  problem(): string | null;
  release(): Promise<void>;
}

/** Another server holds the database. The message names it and says what to do. */
export class DatabaseInUseError extends Error {
  constructor(
    readonly database: string,
    readonly holder: string,
  ) {
    super(
      `another Switchboard server is using the database ${database} (${holder}). Stop that server ` +
        'first, or give this one a database of its own with --db or --data-dir. The hold ends when ' +
        'that process exits, even if it was killed.',
    );
    this.name = 'DatabaseInUseError';
  }
}

/** Who this process is, as the holder of a database. */
export const HOLDER = { pid: process.pid, host: os.hostname() };

/**
 * SQLite: a small SQLite file beside the database (`<file>.lock`) in which this process keeps a
 * write transaction open (SQLite's RESERVED lock, an fcntl lock underneath). The database itself
 * stays open to other connections: `agents add` works while the server runs. Readers of the lock
 * file still see who holds it, since RESERVED lets them read.
 */
export function lockSqliteFile(file: string, database: string): DatabaseLock {
  const lock = new BetterSqlite3(`${file}.lock`, { timeout: 0 });
  try {
    lock.exec(
      'create table if not exists holder (id integer primary key, pid integer, host text, since integer)',
    );
    take(lock, database);
    lock
      .prepare('insert or replace into holder values (1, ?, ?, ?)')
      .run(HOLDER.pid, HOLDER.host, Date.now());
    lock.exec('commit');
    // Recording the holder needed a commit; another server may slip in before the hold is taken
    // again, and then it, not this one, holds the database.
    take(lock, database);
  } catch (error) {
    lock.close();
    throw error;
  }
  return {
    problem: () => null,
    async release() {
      if (lock.open) lock.close();
    },
  };
}

function take(lock: BetterSqlite3.Database, database: string): void {
  try {
    lock.exec('begin immediate');
  } catch (error) {
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    throw new DatabaseInUseError(database, sqliteHolder(lock));
  }
}

function sqliteHolder(lock: BetterSqlite3.Database): string {
  try {
    const row = lock.prepare('select pid, host, since from holder where id = 1').get() as
      | { pid: number; host: string; since: number }
      | undefined;
    if (row) return `held by process ${row.pid} on ${row.host} since ${new Date(row.since).toISOString()}`;
  } catch {
    // The holder has not written its name yet.
  }
  return 'held by a process that has not said who it is yet';
}

/** Both halves of the advisory lock key: this application, and the schema the tables live in. */
const KEY = "hashtext('switchboard server'), hashtext(current_schema())";

/**
 * PostgreSQL: a session-level advisory lock on a connection of its own, held for the server's
 * life. The key includes the schema, so servers on separate schemas of one database do not
 * collide. A cluster of servers sharing one database (issue 14) opens its storage without it.
 */
export async function lockPostgres(
  url: string,
  database: string,
  onLost: (reason: string) => void,
): Promise<DatabaseLock> {
  const client = new pg.Client({
    connectionString: url,
    // What a refused server reads back from pg_stat_activity to name this one.
    application_name: `switchboard pid ${HOLDER.pid} on ${HOLDER.host}`.slice(0, 63),
  });
  let problem: string | null = null;
  let releasing = false;
  const lost = (why: string) => {
    if (releasing || problem) return;
    problem = `the hold on the database was lost (${why}); another server could start on it: restart this one`;
    onLost(problem);
  };
  client.on('error', (error) => lost(error.message));
  client.on('end', () => lost('its connection closed'));
  await client.connect();
  try {
    const { rows } = await client.query<{ ok: boolean }>(`select pg_try_advisory_lock(${KEY}) as ok`);
    if (!rows[0]?.ok) throw new DatabaseInUseError(database, await postgresHolder(client));
  } catch (error) {
    releasing = true;
    await client.end().catch(() => undefined);
    throw error;
  }
  return {
    problem: () => problem,
    async release() {
      releasing = true;
      // Ending the session releases its advisory locks.
      await client.end().catch(() => undefined);
    },
  };
}

async function postgresHolder(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{ app: string; addr: string | null; since: Date; pid: number }>(
    `select a.application_name as app, a.client_addr::text as addr, a.backend_start as since, a.pid
       from pg_locks l join pg_stat_activity a on a.pid = l.pid
      where l.locktype = 'advisory' and l.granted and l.objsubid = 2
        and l.classid = hashtext('switchboard server')::oid and l.objid = hashtext(current_schema())::oid`,
  );
  const row = rows[0];
  if (!row) return 'held by a session that has just ended; try again';
  const from = row.addr ? ` from ${row.addr}` : '';
  return `held by "${row.app || 'an unnamed client'}"${from}, PostgreSQL backend ${row.pid}, since ${row.since.toISOString()}`;
}
