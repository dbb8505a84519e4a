import pg from 'pg';
import pino from 'pino';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import { CLEAR_WAIT_MS, ClusterTimers } from '../src/cluster/timers';

/**
 * A cancel's lease ends when the phone acknowledges its cancel, once per call's end: the leases
 * that end within `CLEAR_WAIT_MS` of the first go in one delete. Real PostgreSQL; the wait on
 * vitest's fake timers (its real-time `setTimeout`).
 */
let db: FreshStorage;
let pool: pg.Pool;
let deletes: string[][];
let timers: ClusterTimers;
beforeEach(async () => {
  db = await freshStorage('postgres');
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  deletes = [];
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: typeof query }).query = (text, values) => {
    if (text.startsWith('delete')) deletes.push([...((values?.[0] as string[]) ?? [])]);
    return query(text, values);
  };
  timers = new ClusterTimers(pool, 'node-a', pino({ level: 'silent' }));
});
afterEach(async () => {
  vi.useRealTimers();
  await pool.end();
  await db.dispose();
});

const keys = async () =>
  (await pool.query<{ key: string }>('select key from cluster_timers order by key')).rows.map((r) => r.key);

it('clears the cancels’ leases that end within the wait in one delete, once it is over', async () => {
  for (const key of ['cancel:a/1', 'cancel:b/1', 'cancel:c/1']) {
    await timers.set(key, 'cancel', Date.now() + 60_000, { key }, true);
  }
  vi.useFakeTimers({ toFake: ['setTimeout'] });
  const first = timers.clearSoon('cancel:a/1');
  const second = timers.clearSoon('cancel:b/1');
  await vi.advanceTimersByTimeAsync(CLEAR_WAIT_MS - 1);
  expect(deletes).toEqual([]);
  expect(await keys()).toEqual(['cancel:a/1', 'cancel:b/1', 'cancel:c/1']);
  await vi.advanceTimersByTimeAsync(1);
  await Promise.all([first, second]);
  expect(deletes).toEqual([['cancel:a/1', 'cancel:b/1']]);
  expect(await keys()).toEqual(['cancel:c/1']);

  // The next one waits its own time.
  const third = timers.clearSoon('cancel:c/1');
  await vi.advanceTimersByTimeAsync(CLEAR_WAIT_MS);
  await third;
  expect(deletes).toEqual([['cancel:a/1', 'cancel:b/1'], ['cancel:c/1']]);
  expect(await keys()).toEqual([]);
});

it('clears a grace at once: it must be gone before it falls due', async () => {
  await timers.set('grace:device:1', 'grace', Date.now() + 1_000, { deviceId: '1' });
  await timers.clear('grace:device:1');
  expect(await keys()).toEqual([]);
});
