import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import { callStore } from '../../src/storage/calls';
import { parseStorageUrl } from '../../src/storage/index';
import type { Database } from '../../src/storage/schema';
import type { CallStore } from '../../src/storage/types';
import { ended, makeCall } from './fixtures';

/**
 * Calls saved while a write is under way go together in the next statement (group-commit.ts): a
 * second connection to a fresh database counts the statements a call store sends.
 */
describe.each(ENGINES)('calls written together on %s', (engine) => {
  let fresh: FreshStorage;
  let db: Kysely<Database>;
  let calls: CallStore;
  let statements: string[];
  beforeEach(async () => {
    fresh = await freshStorage(engine);
    statements = [];
    const target = parseStorageUrl(fresh.url);
    const dialect =
      target.engine === 'sqlite'
        ? new SqliteDialect({ database: new BetterSqlite3(target.file) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: fresh.url, max: 4 }) });
    db = new Kysely<Database>({
      dialect,
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    calls = callStore(db, engine);
  });
  afterEach(async () => {
    await db.destroy();
    await fresh.dispose();
  });

  const stored = (call: Call) => fresh.storage.calls.get(call.id);

  it('writes a call at once when none is under way', async () => {
    const call = makeCall();
    await calls.save(call);
    expect(statements).toHaveLength(1);
    expect(await stored(call)).toStrictEqual(call);
  });

  it('writes the calls saved meanwhile in one statement, each caller resolved with its row stored', async () => {
    const first = makeCall();
    const others = [makeCall(), makeCall(), ended(makeCall(), 'declined')];
    // The first goes alone, at once (no timer waits for company); the others wait for it.
    const all = [first, ...others];
    const order: string[] = [];
    await Promise.all(all.map((c) => calls.save(c).then(() => order.push(c.id))));
    expect(statements).toHaveLength(2);
    expect(order).toEqual(all.map((c) => c.id));
    for (const call of all) expect(await stored(call)).toStrictEqual(call);
    expect((await fresh.storage.calls.listLive()).map((c) => c.id).sort()).toEqual(
      all
        .slice(0, 3)
        .map((c) => c.id)
        .sort(),
    );
  });

  it('stores the last version of a call saved twice in one batch', async () => {
    const call = makeCall();
    const done = ended(call, 'completed');
    await Promise.all([calls.save(makeCall()), calls.save(call), calls.save(done)]);
    expect(statements).toHaveLength(2);
    expect(await stored(call)).toStrictEqual(done);
  });

  it('splits a long wait into statements of at most 32 calls', async () => {
    const all = Array.from({ length: 40 }, () => makeCall());
    await Promise.all(all.map((c) => calls.save(c)));
    // The first at once, then the 39 that waited: 32, and the 7 left.
    expect(statements).toHaveLength(3);
    for (const call of all) expect(await stored(call)).toStrictEqual(call);
  });
});

/**
 * On PostgreSQL, what must be durable with a call's change (a single server's `Locks.also`: the
 * agent's availability at the call's end) goes in the call's group-committed write: one query,
 * one transaction.
 */
describe('calls written with other statements on postgres', () => {
  let fresh: FreshStorage;
  let db: Kysely<Database>;
  let calls: CallStore;
  let statements: string[];
  beforeEach(async () => {
    fresh = await freshStorage('postgres');
    statements = [];
    db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: fresh.url, max: 4 }) }),
      log: (event) => {
        if (event.level === 'query') statements.push(event.query.sql);
      },
    });
    calls = callStore(db, 'postgres');
    await fresh.storage.calls.save(makeCall({ id: 'existing' }));
  });
  afterEach(async () => {
    await db.destroy();
    await fresh.dispose();
  });

  const note = (text: string) => (literal: (s: string) => string) =>
    `update calls set end_reason = ${literal(text)} where id = 'existing'`;
  const noted = async () =>
    (await db.selectFrom('calls').select('end_reason').where('id', '=', 'existing').executeTakeFirstOrThrow())
      .end_reason;

  it('writes the statements, then the call, in one query', async () => {
    const call = makeCall();
    expect(calls.saveWith).toBeTypeOf('function');
    await calls.saveWith!(call, [note("it's done")]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^update calls set end_reason = 'it''s done' .*; insert into calls /s);
    expect(await fresh.storage.calls.get(call.id)).toStrictEqual(call);
    expect(await noted()).toBe("it's done");
  });

  it('writes neither when one of them fails, and fails only its own caller', async () => {
    const call = makeCall();
    const other = makeCall();
    const broken = () => 'update calls set no_such_column = 1';
    const failed = calls.saveWith!(call, [note('lost'), broken]);
    // Saved while the first is under way: the same batch, then written on its own.
    const fine = calls.save(other);
    await expect(failed).rejects.toThrow(/no_such_column/);
    await fine;
    expect(await fresh.storage.calls.get(call.id)).toBeNull();
    expect(await noted()).toBeNull();
    expect(await fresh.storage.calls.get(other.id)).toStrictEqual(other);
  });

  it('writes statements with no call', async () => {
    await calls.saveWith!(null, [note('alone')]);
    expect(statements).toHaveLength(1);
    expect(await noted()).toBe('alone');
  });

  it('is not offered on SQLite, whose statements cost no round trip', async () => {
    const sqlite = await freshStorage('sqlite');
    try {
      expect(sqlite.storage.calls.saveWith).toBeUndefined();
    } finally {
      await sqlite.dispose();
    }
  });
});
