import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Logger } from '../ops/logger';
import { postgresAccessFeed, sqliteAccessFeed } from './access-feed';
import { checkpointInBackground } from './checkpointer';
import { createKyselyStorage } from './kysely';
import { type DatabaseLock, lockPostgres, lockSqliteFile } from './lock';
import type { Database } from './schema';
import { cachingStatements } from './statement-cache';
import type { Storage } from './types';

export type { AccessChange, AccessFeed } from './access-feed';
export { DirectoryConflictError } from './directory';
export { DatabaseInUseError } from './lock';
export * from './types';

export interface OpenStorageOptions {
  /** Gets one line when the database is opened and any error of an idle PostgreSQL connection. */
  logger?: Logger;
  /** PostgreSQL only: the most connections the pool opens (default 10). */
  poolSize?: number;
  /**
   * Hold the database for this storage's life, so that a second server on it refuses to start
   * (DatabaseInUseError): a lock file beside a SQLite database, an advisory lock on PostgreSQL
   * (lock.ts). The server's CLI sets it; `agents` commands and other tools, which may run beside
   * the server, leave it off, and so will a cluster of servers sharing one PostgreSQL (issue 14).
   */
  exclusive?: boolean;
  /**
   * SQLite only: handed the connection the server will use, once it is set up. Tests fill the
   * database through it for real (`max_page_count`: writes then fail with SQLITE_FULL, as on a
   * full disk); nothing else should need it.
   */
  sqliteConnection?: (db: BetterSqlite3.Database) => void;
}

/** What a storage URL names, once parsed. The password of a PostgreSQL URL is never part of it. */
export type StorageTarget =
  | { engine: 'sqlite' /** An absolute path, or `:memory:`. */; file: string }
  | { engine: 'postgres'; url: string; host: string; port: number; database: string; user: string };

const ACCEPTED_FORMS =
  'sqlite:/absolute/path.db, sqlite:relative/path.db, sqlite::memory: or postgres://user:password@host:port/database (postgresql:// too)';

/** Busy SQLite writers wait this long for the lock before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** A PostgreSQL server that does not answer in this long is reported as unreachable. */
const PG_CONNECT_TIMEOUT_MS = 10_000;

/**
 * Parses `sqlite:PATH`, `sqlite::memory:`, `postgres://…` or `postgresql://…`. Relative SQLite
 * paths are resolved against the working directory. Throws an Error naming the accepted forms.
 */
export function parseStorageUrl(url: string): StorageTarget {
  const bad = (why: string) =>
    new Error(`invalid database URL "${redact(url)}": ${why}; use ${ACCEPTED_FORMS}`);
  if (typeof url !== 'string' || url.trim() === '') throw bad('it is empty');
  if (url.startsWith('sqlite:')) {
    let file = url.slice('sqlite:'.length);
    if (file.startsWith('///')) file = file.slice(2);
    else if (file.startsWith('//')) throw bad('sqlite://HOST is not a path');
    if (file === '') throw bad('the SQLite path is missing');
    if (file === ':memory:') return { engine: 'sqlite', file };
    if (file.includes('\0')) throw bad('the SQLite path contains a NUL character');
    return { engine: 'sqlite', file: path.resolve(file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    try {
      new URL(url);
    } catch {
      throw bad('it is not a valid URL');
    }
    // pg resolves the URL the way it will connect (PGHOST, PGUSER… fill what the URL leaves out).
    const probe = new pg.Client({ connectionString: url });
    return {
      engine: 'postgres',
      url,
      host: probe.host,
      port: probe.port,
      database: probe.database ?? probe.user ?? '',
      user: probe.user ?? '',
    };
  }
  throw bad('unknown scheme');
}

/**
 * Opens (does not migrate) the database the URL names: SQLite through better-sqlite3 (WAL, foreign
 * keys on, busy timeout, parent directory created), PostgreSQL through a pg Pool. A PostgreSQL
 * server that cannot be reached fails here, with its host, port and database in the message.
 */
export async function openStorage(url: string, opts: OpenStorageOptions = {}): Promise<Storage> {
  const target = parseStorageUrl(url);
  const storage =
    target.engine === 'sqlite' ? openSqlite(target.file, opts) : await openPostgres(target, opts);
  let lock: DatabaseLock | null = null;
  try {
    if (opts.exclusive) lock = await holdDatabase(target, opts);
  } catch (error) {
    await storage.close();
    throw error;
  }
  opts.logger?.info(
    { engine: target.engine, database: describeTarget(target), exclusive: lock !== null },
    'storage opened',
  );
  return lock ? withLock(storage, lock) : storage;
}

function holdDatabase(target: StorageTarget, opts: OpenStorageOptions): Promise<DatabaseLock> {
  const name = describeTarget(target);
  if (target.engine === 'postgres') {
    return lockPostgres(target.url, name, (problem) => opts.logger?.error({ database: name }, problem));
  }
  // An in-memory database belongs to this process alone.
  if (target.file === ':memory:') return Promise.resolve({ problem: () => null, release: async () => {} });
  return Promise.resolve(lockSqliteFile(target.file, name));
}

/** The storage, released after it closes; `/healthz` turns unhealthy if the hold is lost. */
function withLock(storage: Storage, lock: DatabaseLock): Storage {
  let closing: Promise<void> | null = null;
  return {
    ...storage,
    health: {
      async probeWrite(at, timeoutMs) {
        const problem = lock.problem();
        if (problem) throw new Error(problem);
        return storage.health.probeWrite(at, timeoutMs);
      },
    },
    close() {
      closing ??= storage.close().finally(() => lock.release());
      return closing;
    },
  };
}

/** For logs and errors: where the data is, without credentials. */
export function describeTarget(target: StorageTarget): string {
  return target.engine === 'sqlite'
    ? `sqlite:${target.file}`
    : `postgres://${target.user ? `${target.user}@` : ''}${target.host}:${target.port}/${target.database}`;
}

function openSqlite(file: string, opts: OpenStorageOptions): Storage {
  let database: BetterSqlite3.Database;
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    database = new BetterSqlite3(file);
  } catch (error) {
    throw new Error(`cannot open the SQLite database ${file}: ${messageOf(error)}`, { cause: error });
  }
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    database.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    opts.sqliteConnection?.(database);
  } catch (error) {
    database.close();
    throw new Error(`cannot use the SQLite database ${file}: ${messageOf(error)}`, { cause: error });
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(database) }) });
  const storage = createKyselyStorage(db, 'sqlite', {
    sqliteBusyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
    access: sqliteAccessFeed(file === ':memory:' ? null : database),
    limitStore: { kind: 'memory' },
  });
  if (file === ':memory:') return storage;
  const checkpoints = checkpointInBackground(file, database, {
    onFailure: (problem) =>
      opts.logger?.warn({ database: `sqlite:${file}`, problem }, 'WAL checkpoints back on the main thread'),
  });
  let closing: Promise<void> | null = null;
  return {
    ...storage,
    // The checkpoint thread's connection goes first: the last one to close removes the -wal file.
    close() {
      closing ??= checkpoints.release().then(() => storage.close());
      return closing;
    },
  };
}

async function openPostgres(
  target: Extract<StorageTarget, { engine: 'postgres' }>,
  opts: OpenStorageOptions,
): Promise<Storage> {
  // int8 (bigint) columns hold epoch milliseconds: read them as numbers, on this pool only.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const pool = new pg.Pool({
    connectionString: target.url,
    types,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    application_name: 'switchboard',
  });
  // Without a listener an idle client's error (server restart, network) would crash the process.
  pool.on('error', (error) => {
    opts.logger?.error({ err: error, database: describeTarget(target) }, 'idle PostgreSQL connection failed');
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    const where = `${target.host}:${target.port}, database "${target.database}"${target.user ? ` as user "${target.user}"` : ''}`;
    throw new Error(`cannot connect to PostgreSQL at ${where}: ${redact(messageOf(error), target.url)}`, {
      cause: error,
    });
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return createKyselyStorage(db, 'postgres', {
    access: postgresAccessFeed(db, target.url, opts.logger),
    limitStore: { kind: 'postgres', pool },
  });
}

function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} does not fit in a JS number`);
  return n;
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return error.errors.map(messageOf).join('; ');
  }
  return error instanceof Error ? error.message || error.name : String(error);
}

/** Removes the password of a URL from a text (the URL itself, or a message that may quote it). */
function redact(text: string, url = text): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    const m = /^[a-z]+:\/\/[^:/@]*:([^@]*)@/i.exec(url);
    password = m?.[1] ?? '';
  }
  if (!password) return text;
  return text.split(password).join('***').split(encodeURIComponent(password)).join('***');
}
