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
