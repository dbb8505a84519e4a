import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { parseStorageUrl } from '../src';

/**
 * Another process holding the database's write lock, as a stuck backup job or a migration in
 * another terminal would: a second SQLite connection in an IMMEDIATE transaction, or a PostgreSQL
 * transaction holding the probe table exclusively.
 */
async function holdWriteLock(url: string): Promise<() => Promise<void>> {
  const target = parseStorageUrl(url);
  if (target.engine === 'sqlite') {
    const other = new BetterSqlite3(target.file);
    other.exec('begin immediate');
    return async () => {
      other.exec('rollback');
      other.close();
    };
  }
  const other = new pg.Client({ connectionString: url });
  await other.connect();
  await other.query('begin');
  await other.query('lock table health_probe in access exclusive mode');
  return async () => {
    await other.query('rollback');
    await other.end();
  };
}

const health = async (h: Harness) => {
  const res = await fetch(`${h.url}/healthz`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

// Issue 10 item 13: /healthz said ok while the database refused every write.
describe.each(ENGINES)('/healthz on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  it('is healthy when a probe write commits', async () => {
    expect(await health(h)).toEqual({ status: 200, body: { ok: true } });
  });

  it('turns unhealthy while another process holds the write lock, and recovers a quiet minute later', async () => {
    const release = await holdWriteLock(h.databaseUrl);
    try {
      expect(await health(h)).toEqual({ status: 503, body: { ok: false, failing: ['storage'] } });
    } finally {
      await release();
    }
    // A failed write counts for a minute (issue 20 item 12), the probe's as any other.
    expect((await health(h)).status).toBe(503);
    h.clock.advance(60_000);
    expect((await health(h)).status).toBe(200);
  });

  it('is unhealthy once the database is closed underneath the server', async () => {
    await h.storage.close();
    expect(await health(h)).toEqual({ status: 503, body: { ok: false, failing: ['storage'] } });
  });
});
