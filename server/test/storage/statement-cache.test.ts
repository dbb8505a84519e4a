import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { cachingStatements, type PreparingDatabase } from '../../src/storage/statement-cache';

interface Db {
  people: { id: string };
}

/** A real in-memory database that counts the statements SQLite actually compiles. */
function countingDatabase() {
  const raw = new BetterSqlite3(':memory:');
  const counted = { compiled: 0 };
  const database: PreparingDatabase = {
    prepare(text) {
      counted.compiled++;
      return raw.prepare(text);
    },
    close: () => raw.close(),
  };
  return { raw, database, counted };
}

describe('statement cache', () => {
  const open: { close(): void }[] = [];
  afterEach(() => {
    for (const d of open.splice(0)) d.close();
  });

  it('returns the same statement for the same SQL and compiles each text once', () => {
    const { database, counted } = countingDatabase();
    const cache = cachingStatements(database);
    open.push(cache);
    const a = cache.prepare('select 1 as one');
    expect(cache.prepare('select 1 as one')).toBe(a);
    expect(cache.prepare('select 2 as two')).not.toBe(a);
    expect(counted.compiled).toBe(2);
    expect(a.all()).toEqual([{ one: 1 }]);
    expect(a.all()).toEqual([{ one: 1 }]);
  });

  it('drops the least recently used statement once full', () => {
    const { database, counted } = countingDatabase();
    const cache = cachingStatements(database, 2);
    open.push(cache);
    const one = cache.prepare('select 1');
    const two = cache.prepare('select 2');
    expect(cache.prepare('select 1')).toBe(one);
    cache.prepare('select 3');
    expect(cache.prepare('select 1')).toBe(one);
    expect(cache.prepare('select 2')).not.toBe(two);
    expect(counted.compiled).toBe(4);
  });

  it('gives a fresh statement while the cached one is still iterating', () => {
    const { raw, database } = countingDatabase();
    raw.exec('create table n (v integer); insert into n values (1), (2)');
    const cache = cachingStatements(database);
    open.push(cache);
    const first = cache.prepare('select v from n order by v');
    const rows = first.iterate();
    expect(rows.next().value).toEqual({ v: 1 });
    const second = cache.prepare('select v from n order by v');
    expect(second).not.toBe(first);
    expect(second.reader).toBe(true);
    rows.return?.();
    expect(cache.prepare('select v from n order by v')).toBe(first);
  });

  it('keeps answering through Kysely after a migration changes the schema under a cached query', async () => {
    const { database, counted } = countingDatabase();
    const db = new Kysely<Db>({ dialect: new SqliteDialect({ database: cachingStatements(database) }) });
    open.push({ close: () => void db.destroy() });
    await db.schema
      .createTable('people')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .execute();
    const insert = (id: string) => sql`insert into people (id) values (${id})`.execute(db);
    const everyone = () => sql<Record<string, unknown>>`select * from people order by id`.execute(db);
    await insert('p1');
    expect((await everyone()).rows).toEqual([{ id: 'p1' }]);
    const compiledBefore = counted.compiled;

    await db.schema
      .alterTable('people')
      .addColumn('role', 'text', (c) => c.notNull().defaultTo('agent'))
      .execute();
    await db.schema.createIndex('people_role').on('people').column('role').execute();
    await insert('p2');

    // The cached select and insert were not compiled again by us, yet see the new column.
    expect((await everyone()).rows).toEqual([
      { id: 'p1', role: 'agent' },
      { id: 'p2', role: 'agent' },
    ]);
    expect(counted.compiled).toBe(compiledBefore + 2);
  });
});
