import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { precompiled } from '../../src/storage/precompiled';

interface Db {
  items: { id: string; a: number; b: string };
}

describe('precompiled queries', () => {
  let db: Kysely<Db>;
  beforeEach(async () => {
    db = new Kysely<Db>({ dialect: new SqliteDialect({ database: new BetterSqlite3(':memory:') }) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('a', 'integer')
      .addColumn('b', 'text')
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
  });

  it('binds values by name, in whatever order the SQL takes them, a name used twice included', async () => {
    // The update names b before a, and b twice: the values must still land where they belong.
    const put = precompiled(db, ['id', 'a', 'b'], (p) =>
      db
        .insertInto('items')
        .values({ id: p.id, a: p.a as unknown as number, b: p.b })
        .onConflict((oc) => oc.column('id').doUpdateSet({ b: p.b, a: p.a as unknown as number })),
    );
    const get = precompiled(db, ['id'], (p) => db.selectFrom('items').selectAll().where('id', '=', p.id));
    await put({ id: 'x', a: 1, b: 'one' });
    await put({ id: 'y', a: 2, b: 'two' });
    await put({ id: 'x', a: 3, b: 'three' });
    expect((await get({ id: 'x' })).rows).toEqual([{ id: 'x', a: 3, b: 'three' }]);
    expect((await get({ id: 'y' })).rows).toEqual([{ id: 'y', a: 2, b: 'two' }]);
    expect((await get({ id: 'z' })).rows).toEqual([]);
  });

  it('refuses a query that does not take every placeholder as a parameter', async () => {
    const unused = precompiled(db, ['id', 'a'], (p) =>
      db.selectFrom('items').selectAll().where('id', '=', p.id),
    );
    await expect(unused({ id: 'x', a: 1 })).rejects.toThrow(/not parameters of the SQL: a/);
    const constant = precompiled(db, ['id'], (p) =>
      db.selectFrom('items').selectAll().where('id', '=', p.id).where('a', '=', 1),
    );
    await expect(constant({ id: 'x' })).rejects.toThrow(/a parameter is not a placeholder: 1/);
  });
});
