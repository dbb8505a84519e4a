import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase, postgresTestUrl } from '../../../test-support/databases';
import { openStorage, parseStorageUrl } from '../../src/storage';
import type { Storage } from '../../src/storage/types';
import { makeCall, T0 } from './fixtures';

describe('storage URLs', () => {
  it('accepts sqlite paths, :memory: and postgres URLs', () => {
    expect(parseStorageUrl('sqlite:/var/lib/switchboard/db.sqlite')).toEqual({
      engine: 'sqlite',
      file: '/var/lib/switchboard/db.sqlite',
    });
    expect(parseStorageUrl('sqlite:data/switchboard.db')).toEqual({
      engine: 'sqlite',
      file: path.resolve('data/switchboard.db'),
    });
    expect(parseStorageUrl('sqlite:///tmp/x.db')).toEqual({ engine: 'sqlite', file: '/tmp/x.db' });
    expect(parseStorageUrl('sqlite::memory:')).toEqual({ engine: 'sqlite', file: ':memory:' });
    expect(parseStorageUrl('postgres://sb:pw@db.internal:6543/switchboard')).toMatchObject({
      engine: 'postgres',
      host: 'db.internal',
      port: 6543,
      database: 'switchboard',
      user: 'sb',
    });
    expect(parseStorageUrl('postgresql://sb@127.0.0.1/calls')).toMatchObject({
      engine: 'postgres',
      port: 5432,
      database: 'calls',
    });
  });

  it.each([
    '',
    'mysql://root@localhost/db',
    '/var/lib/switchboard.db',
    'sqlite:',
    'sqlite://host/db',
    'postgres://[bad',
    'file:switchboard.db',
  ])('rejects %j, naming the accepted forms', async (url) => {
    expect(() => parseStorageUrl(url)).toThrow(/sqlite:.*sqlite::memory:.*postgres:\/\//);
    await expect(openStorage(url)).rejects.toThrow(/use sqlite:/);
  });

  it('never repeats the password of a URL it rejects or cannot reach', async () => {
    const error = await openStorage('postgres://sb:hunter2-secret@127.0.0.1:1/nowhere').catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('cannot connect to PostgreSQL at 127.0.0.1:1');
    expect(message).toContain('database "nowhere"');
    expect(message).not.toContain('hunter2');
  });
});

describe('SQLite', () => {
  let dir: string | null = null;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = null;
  });

  it('creates the parent directory and uses WAL with foreign keys on', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-open-'));
    const file = path.join(dir, 'nested', 'deeper', 'switchboard.db');
    const storage = await openStorage(`sqlite:${file}`);
    await storage.migrate();
    await storage.staff.create({ id: 's1', name: 'Ana', handle: null, createdAt: T0 });
    expect(existsSync(file)).toBe(true);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await storage.close();

    const raw = new BetterSqlite3(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('works in memory', async () => {
    const storage = await openStorage('sqlite::memory:');
    expect(storage.engine).toBe('sqlite');
    await storage.migrate();
    const call = makeCall();
    await storage.calls.save(call);
    expect(await storage.calls.get(call.id)).toEqual(call);
    await storage.close();
  });

  it('says which file it could not open', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-open-'));
    const notADirectory = path.join(dir, 'plain-file');
    await writeFile(notADirectory, '');
    const file = path.join(notADirectory, 'switchboard.db');
    await expect(openStorage(`sqlite:${file}`)).rejects.toThrow(`cannot open the SQLite database ${file}: E`);
  });
});

describe('PostgreSQL', () => {
  it('names host, port and database when the database does not exist', async () => {
    const url = new URL(postgresTestUrl());
    url.pathname = '/switchboard_no_such_database';
    await expect(openStorage(url.toString())).rejects.toThrow(
      new RegExp(
        `cannot connect to PostgreSQL at ${url.hostname}:${url.port}, database "switchboard_no_such_database"`,
      ),
    );
  });
});

describe.each(ENGINES)('lifecycle on %s', (engine) => {
  const open: Storage[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    for (const c of cleanups.splice(0)) await c();
  });

  it('migrates an empty database, and migrating again (even from another connection) changes nothing', async () => {
    const db = await freshDatabase(engine);
    cleanups.push(db.dispose);
    const first = await openStorage(db.url);
    open.push(first);
    expect(first.engine).toBe(engine);
    await first.migrate();
    await first.staff.create({ id: 's1', name: 'Ana', handle: '+15551234567', createdAt: T0 });
    await first.migrate();

    const second = await openStorage(db.url);
    open.push(second);
    await second.migrate();
    expect(await second.staff.list()).toEqual([
      { id: 's1', name: 'Ana', handle: '+15551234567', createdAt: T0, fallbackStaffId: null },
    ]);
    expect(await second.directory.get()).toEqual({ version: 0, entries: [] });
  });

  it('closes once, however often close() is called, and is closed when close() resolves', async () => {
    const db = await freshDatabase(engine);
    cleanups.push(db.dispose);
    const marker = `sbt_close_${process.pid}_${Date.now()}`;
    const url = engine === 'postgres' ? withApplicationName(db.url, marker) : db.url;
    const storage = await openStorage(url);
    await storage.migrate();
    expect(await isOpen(url, marker)).toBe(true);

    // Every caller gets the one closing: none sees close() resolve before the database is closed.
    const closing = storage.close();
    expect(storage.close()).toBe(closing);
    await closing;
    expect(storage.close()).toBe(closing);
    expect(await isOpen(url, marker)).toBe(false);
    await expect(storage.staff.list()).rejects.toThrow(/destroyed/);
  });
});

/** A PostgreSQL URL whose connections carry this application_name (the URL wins over the pool's own). */
function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

/**
 * Whether the database is still held open: SQLite keeps its -wal file until the last connection
 * closes; PostgreSQL lists the pool's connections, found by their application_name.
 */
async function isOpen(url: string, marker: string): Promise<boolean> {
  const target = parseStorageUrl(url);
  if (target.engine === 'sqlite') return existsSync(`${target.file}-wal`);
  const client = new pg.Client({ connectionString: postgresTestUrl() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'select count(*) as n from pg_stat_activity where application_name = $1',
      [marker],
    );
    return Number(rows[0]?.n) > 0;
  } finally {
    await client.end();
  }
}
