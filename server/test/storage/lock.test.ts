import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase } from '../../../test-support/databases';
import { DatabaseInUseError, openStorage, type Storage } from '../../src';

// Issue 10 item 1: a second server on the same database ended the first one's live calls.
describe.each(ENGINES)('one exclusive holder per database on %s', (engine) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const open = async (url: string, exclusive: boolean): Promise<Storage> => {
    const storage = await openStorage(url, { exclusive });
    cleanups.push(() => storage.close());
    return storage;
  };

  it('refuses a second exclusive opener, naming the holder; tools may still open it; free once closed', async () => {
    const db = await freshDatabase(engine);
    cleanups.push(db.dispose);
    const first = await open(db.url, true);
    await first.migrate();

    const refused = await openStorage(db.url, { exclusive: true }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DatabaseInUseError);
    const message = (refused as Error).message;
    expect(message).toMatch(/^another Switchboard server is using the database (sqlite|postgres):/);
    expect(message).toContain(
      engine === 'sqlite' ? `process ${process.pid} on ` : `"switchboard pid ${process.pid} on `,
    );
    expect(message).toContain('Stop that server first, or give this one a database of its own');

    // `agents add` and other tools open it beside the server.
    const tool = await open(db.url, false);
    expect(await tool.agents.list()).toEqual([]);

    await first.close();
    const second = await open(db.url, true);
    expect(await second.staff.list()).toEqual([]);
    expect((await second.health.probeWrite(Date.now(), 1_000)) ?? 'written').toBe('written');
  });

  it('lets servers on different databases hold theirs at once', async () => {
    const a = await freshDatabase(engine);
    const b = await freshDatabase(engine);
    cleanups.push(a.dispose, b.dispose);
    await open(a.url, true);
    await expect(open(b.url, true)).resolves.toBeDefined();
  });
});

describe('the PostgreSQL hold', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('says so in its health probe when the hold is lost', async () => {
    const db = await freshDatabase('postgres');
    const storage = await openStorage(db.url, { exclusive: true });
    cleanups.push(db.dispose, () => storage.close());
    await storage.migrate();
    // An administrator ends the lock's session (or the network drops it).
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const { rows } = await admin.query<{ ended: boolean }>(
      `select pg_terminate_backend(pid) as ended from pg_locks where locktype = 'advisory' and objsubid = 2
          and classid = hashtext('switchboard server')::oid and objid = hashtext(current_schema())::oid`,
    );
    await admin.end();
    expect(rows).toEqual([{ ended: true }]);
    await expect
      .poll(() =>
        storage.health.probeWrite(Date.now(), 1_000).then(
          () => 'written',
          (e: Error) => e.message,
        ),
      )
      .toMatch(/^the hold on the database was lost .*restart this one$/);
  });
});
