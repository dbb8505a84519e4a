import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { type OpenStorageOptions, openStorage, type Storage } from '../server/src';

/** What vitest.global-setup.ts hands the tests: the cluster's URL, or why there is none. */
export interface PostgresForTests {
  url: string | null;
  error: string | null;
}

declare module 'vitest' {
  export interface ProvidedContext {
    switchboardPostgres: PostgresForTests;
  }
}

/** Every engine the storage runs on: `describe.each(ENGINES)` runs a suite on each. */
export const ENGINES = ['sqlite', 'postgres'] as const;
export type Engine = (typeof ENGINES)[number];

export interface FreshDatabase {
  engine: Engine;
  /** A storage URL for openStorage: an empty SQLite file's, or an empty PostgreSQL schema's. */
  url: string;
  /** Deletes the file or drops the schema. Close every Storage opened on `url` first. */
  dispose(): Promise<void>;
}

export interface FreshStorage {
  engine: Engine;
  url: string;
  /** Opened on `url` and migrated. */
  storage: Storage;
  /** Closes the storage (closing it earlier is fine) and deletes the file or drops the schema. */
  dispose(): Promise<void>;
}

/**
 * The PostgreSQL server the tests use: SWITCHBOARD_TEST_POSTGRES_URL, else the cluster that
 * vitest.global-setup.ts started. Throws, with the reason, when there is none: PostgreSQL tests
 * fail, they are never skipped.
 */
export function postgresTestUrl(): string {
  const fromEnv = process.env.SWITCHBOARD_TEST_POSTGRES_URL;
  if (fromEnv) return fromEnv;
  const provided = inject('switchboardPostgres');
  if (provided?.url) return provided.url;
  throw new Error(
    provided?.error
      ? `PostgreSQL is not available for the tests: ${provided.error}`
      : 'PostgreSQL is not available for the tests: vitest.global-setup.ts did not run (is it the globalSetup ' +
          'in vitest.config.ts?) and SWITCHBOARD_TEST_POSTGRES_URL is not set',
  );
}

/**
 * An empty database of its own: a new SQLite file in a temp directory (a file, not :memory:, so WAL
 * is real), or a new schema `sbt_<pid>_<random>` in the PostgreSQL test database, which the URL
 * selects through its search_path (`?options=-c search_path=…`).
 */
export async function freshDatabase(engine: Engine): Promise<FreshDatabase> {
  if (engine === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-test-'));
    return {
      engine,
      url: `sqlite:${path.join(dir, 'switchboard.db')}`,
      dispose: () => rm(dir, { recursive: true, force: true }),
    };
  }
  // A schema of its own in this worker's database: much cheaper than CREATE DATABASE, as isolated.
  const base = await workerDatabase();
  const schema = `sbt_${process.pid}_${randomBytes(6).toString('hex')}`;
  await admin(base, `create schema "${schema}"`);
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  let disposed = false;
  return {
    engine,
    url: url.toString(),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await admin(base, `drop schema if exists "${schema}" cascade`);
    },
  };
}

let workerDb: Promise<string> | null = null;

/**
 * This vitest worker's own database in the test cluster. Schemas of two processes must not share
 * one: Kysely's migrator introspects every schema of its database (pg_get_serial_sequence on each
 * column), and another process dropping or altering its schema meanwhile made it fail with
 * "column … does not exist" (callbacks.test on a clean clone, with vitest running two files).
 */
function workerDatabase(): Promise<string> {
  workerDb ??= (async () => {
    const base = postgresTestUrl();
    // One per vitest worker slot (1…maxWorkers), so a run adds no database after the first.
    const slot = process.env.VITEST_POOL_ID;
    if (!slot) return base;
    const name = `sbt_db_worker_${slot}`;
    await admin(base, `create database "${name}"`).catch((error: unknown) => {
      if (!/already exists/.test(messageOf(error))) throw error;
    });
    const url = new URL(base);
    url.pathname = `/${name}`;
    return url.toString();
  })();
  workerDb.catch(() => {
    workerDb = null;
  });
  return workerDb;
}

/** A fresh database (see freshDatabase), opened and migrated. */
export async function freshStorage(
  engine: Engine,
  options: Pick<OpenStorageOptions, 'sqliteConnection'> = {},
): Promise<FreshStorage> {
  const db = await freshDatabase(engine);
  let storage: Storage;
  try {
    storage = await openStorage(db.url, options);
    await storage.migrate();
  } catch (error) {
    await db.dispose().catch(() => undefined);
    throw error;
  }
  return {
    engine,
    url: db.url,
    storage,
    async dispose() {
      await storage.close();
      await db.dispose();
    },
  };
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    const where = new URL(url);
    throw new Error(
      `cannot connect to the test PostgreSQL at ${where.hostname}:${where.port || 5432}${where.pathname}: ${messageOf(error)}`,
      { cause: error },
    );
  }
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(messageOf).join('; ') || 'AggregateError';
  return error instanceof Error ? error.message || error.name : String(error);
}
