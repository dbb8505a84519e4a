import { copyFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointInBackground, SAFETY_NET_PAGES } from '../../src/storage/checkpointer';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-checkpoint-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A WAL database whose 300 rows are all still in the log: nothing has checkpointed them yet. */
function walDatabase(): { file: string; database: BetterSqlite3.Database } {
  const file = path.join(dir, 'db.sqlite');
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('wal_autocheckpoint = 0');
  database.exec('create table t (id integer primary key, v text not null)');
  const insert = database.prepare('insert into t (v) values (?)');
  for (let i = 0; i < 300; i++) insert.run('x'.repeat(200));
  return { file, database };
}

/** The rows a copy of the database file alone holds, without its write-ahead log. */
function rowsInFileAlone(file: string, name: string): number {
  const copy = path.join(dir, name);
  copyFileSync(file, copy);
  const db = new BetterSqlite3(copy);
  try {
    const table = db.prepare("select count(*) as n from sqlite_master where name = 't'").get() as {
      n: number;
    };
    if (table.n === 0) return 0;
    return (db.prepare('select count(*) as n from t').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('background WAL checkpoints', () => {
  it('copy the log into the database file from another thread, the writer only as a safety net', async () => {
    const { file, database } = walDatabase();
    expect(rowsInFileAlone(file, 'before.sqlite')).toBe(0);

    const done = new Promise<{ log: number; checkpointed: number }>((resolve) => {
      const checkpoints = checkpointInBackground(file, database, {
        periodMs: 5,
        onCheckpoint: (r) => {
          if (r.checkpointed === r.log) void checkpoints.release().then(() => resolve(r));
        },
      });
    });
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(SAFETY_NET_PAGES);
    const result = await done;
    expect(result.log).toBeGreaterThan(0);
    expect(rowsInFileAlone(file, 'after.sqlite')).toBe(300);
    database.close();
  });

  it("close their connection on release, so the writer's close is the last and removes the log", async () => {
    const { file, database } = walDatabase();
    let checkpointed!: () => void;
    const first = new Promise<void>((resolve) => {
      checkpointed = resolve;
    });
    const checkpoints = checkpointInBackground(file, database, {
      periodMs: 5,
      onCheckpoint: () => checkpointed(),
    });
    await first;
    await checkpoints.release();
    expect(existsSync(`${file}-wal`)).toBe(true);
    database.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('hand checkpoints back to the writer when the thread cannot open the database', async () => {
    const { database } = walDatabase();
    const problem = await new Promise<string>((resolve) => {
      checkpointInBackground(path.join(dir, 'missing', 'gone.sqlite'), database, { onFailure: resolve });
    });
    expect(problem).toMatch(/unable to open|does not exist/i);
    expect(database.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    database.close();
  });
});
