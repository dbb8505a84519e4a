import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINES, freshDatabase } from '../../test-support/databases';
import { type Run, runScript } from '../../test-support/process';

const STARTED = /^Console: \S+$/m;

// Issue 10 item 1, as an operator meets it: `npm run server` twice on one database.
describe.each(ENGINES)('a second server on the same %s database', (engine) => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const database = async (): Promise<string[]> => {
    if (engine === 'postgres') {
      const db = await freshDatabase('postgres');
      cleanups.push(db.dispose);
      return ['--db', db.url];
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-lock-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return ['--data-dir', dir];
  };
  const server = (db: string[]): Run => {
    const run = runScript('server/src/main.ts', ['--port', '0', '--log-level', 'silent', ...db]);
    cleanups.push(async () => {
      run.child.kill('SIGKILL');
      await run.exit;
    });
    return run;
  };

  it('refuses to start with exit code 2, naming the first; after a kill -9 of the first it starts', async () => {
    const db = await database();
    const first = server(db);
    await first.until(STARTED, 30_000);

    const second = server(db);
    expect(await second.exit).toBe(2);
    expect(second.stderr()).toContain('switchboard: another Switchboard server is using the database');
    expect(second.stderr()).toContain(
      engine === 'sqlite' ? `process ${first.child.pid} on ` : `switchboard pid ${first.child.pid} on `,
    );
    expect(second.stdout()).not.toMatch(STARTED);

    first.child.kill('SIGKILL');
    expect(await first.exit).toBe(null);
    const third = server(db);
    await third.until(STARTED, 30_000);
    third.child.kill('SIGTERM');
    expect(await third.exit).toBe(0);
    // Three real server processes one after the other (each a tsx start, ~13 s on a loaded 2-core
    // machine): the 20 s default is too short there.
  }, 120_000);
});
