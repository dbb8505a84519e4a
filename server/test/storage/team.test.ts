import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ENGINES,
  type Engine,
  type FreshDatabase,
  type FreshStorage,
  freshDatabase,
  freshStorage,
} from '../../../test-support/databases';
import { openStorage } from '../../src/storage';
import { migrationProvider } from '../../src/storage/migrations';
import { type AuditRow, LastAdminError, type Storage } from '../../src/storage/types';
import { T0 } from './fixtures';

const agent = (id: string, at = T0) => ({ id, name: id, passwordHash: `scrypt$${id}`, createdAt: at });

describe.each(ENGINES)('roles and the audit trail on %s', (engine) => {
  let db: FreshStorage;
  let s: Storage;
  beforeEach(async () => {
    db = await freshStorage(engine);
    s = db.storage;
  });
  afterEach(async () => {
    await db.dispose();
  });

  it('makes the first agent an admin and later ones agents, unless a role is given', async () => {
    expect(await s.agents.create(agent('first'))).toBe('admin');
    expect(await s.agents.create(agent('second'))).toBe('agent');
    expect(await s.agents.create({ ...agent('third'), role: 'admin' })).toBe('admin');
    expect((await s.agents.list()).map((a) => [a.id, a.role, a.disabledAt, a.temporaryPassword])).toEqual([
      ['first', 'admin', null, false],
      ['second', 'agent', null, false],
      ['third', 'admin', null, false],
    ]);
  });

  it('disables an agent with their sessions in one step, and enables them again', async () => {
    await s.agents.create(agent('boss'));
    await s.agents.create(agent('ann'));
    await s.sessions.create({ tokenHash: 't1', agentId: 'ann', createdAt: T0, expiresAt: T0 + 1000 });
    expect(await s.agents.update('ann', { disabledAt: T0 + 5 })).toMatchObject({ disabledAt: T0 + 5 });
    expect(await s.sessions.find('t1')).toBeNull();
    expect(await s.agents.update('ann', { disabledAt: null })).toMatchObject({ disabledAt: null });
    expect(await s.agents.update('nobody', { role: 'admin' })).toBeNull();
  });

  it('refuses to demote, disable or remove the last enabled admin, and changes nothing then', async () => {
    await s.agents.create(agent('boss'));
    await s.agents.create(agent('ann'));
    await expect(s.agents.update('boss', { role: 'agent' })).rejects.toBeInstanceOf(LastAdminError);
    await expect(s.agents.update('boss', { disabledAt: T0 })).rejects.toThrow(
      /boss is the team's last admin/,
    );
    await expect(s.agents.remove('boss')).rejects.toBeInstanceOf(LastAdminError);
    expect(await s.agents.findById('boss')).toMatchObject({ role: 'admin', disabledAt: null });
    // A disabled admin does not count: someone must be able to sign in and manage the team.
    await s.agents.update('ann', { role: 'admin' });
    await s.agents.update('ann', { disabledAt: T0 });
    await expect(s.agents.update('boss', { role: 'agent' })).rejects.toBeInstanceOf(LastAdminError);
  });

  it('lets only one of two admins demoting each other at once succeed', async () => {
    await s.agents.create(agent('a'));
    await s.agents.create({ ...agent('b'), role: 'admin' });
    // On PostgreSQL both demotions are held at the agents' row locks and let go together, so they
    // really overlap; SQLite runs one write transaction at a time whatever the code does.
    const hold = engine === 'postgres' ? await holdAgentRows(db.url) : null;
    const racing = Promise.allSettled([
      s.agents.update('a', { role: 'agent' }),
      s.agents.update('b', { role: 'agent' }),
    ]);
    await hold?.releaseWhenWaiting(2);
    const results = await racing;
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect((await s.agents.list()).filter((a) => a.role === 'admin')).toHaveLength(1);
  });

  it('sets a password, ending every session of the agent but the one it keeps', async () => {
    await s.agents.create(agent('ann'));
    for (const t of ['keep', 'other1', 'other2']) {
      await s.sessions.create({ tokenHash: t, agentId: 'ann', createdAt: T0, expiresAt: T0 + 1000 });
    }
    expect(await s.agents.setPassword('ann', { hash: 'scrypt$new', temporary: true }, 'keep')).toBe(true);
    expect(await s.sessions.find('keep')).not.toBeNull();
    expect(await s.sessions.find('other1')).toBeNull();
    expect(await s.agents.findById('ann')).toMatchObject({
      passwordHash: 'scrypt$new',
      temporaryPassword: true,
    });
    await s.agents.setPassword('ann', { hash: 'scrypt$mine', temporary: false }, null);
    expect(await s.sessions.find('keep')).toBeNull();
    expect(await s.agents.setPassword('nobody', { hash: 'x', temporary: false }, null)).toBe(false);
  });

  it('pages the audit trail newest first, whole or by subject', async () => {
    const row = (i: number, action: AuditRow['action']): AuditRow => ({
      id: `a${String(i).padStart(3, '0')}`,
      // Two entries per millisecond: the id orders them within it.
      at: T0 + Math.floor(i / 2),
      actorId: i % 3 === 0 ? null : 'boss',
      actorName: i % 3 === 0 ? 'command line' : 'boss',
      action,
      targetId: `t${i}`,
      targetName: `Target ${i}`,
      detail: i % 2 ? null : `detail ${i}`,
    });
    const rows = Array.from({ length: 25 }, (_, i) =>
      row(i, i % 5 === 0 ? 'directory.replaced' : 'staff.added'),
    );
    for (const r of rows) await s.audit.append(r);
    const seen: AuditRow[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.audit.query({}, { cursor, limit: 10 });
      seen.push(...page.entries);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...rows].reverse());
    const directory = await s.audit.query({ subject: 'directory' }, { limit: 50 });
    expect(directory.entries.map((e) => e.id)).toEqual(['a020', 'a015', 'a010', 'a005', 'a000']);
    expect(directory.nextCursor).toBeNull();
  });
});

describe.each(ENGINES)('migration 0003 on %s', (engine) => {
  let fresh: FreshDatabase;
  beforeEach(async () => {
    fresh = await freshDatabase(engine);
  });
  afterEach(async () => {
    await fresh.dispose();
  });

  it('makes the oldest existing agent the admin and the others agents', async () => {
    const old = rawKysely(engine, fresh.url);
    // As storage.migrate() does: on PostgreSQL, Kysely's table in this test's own schema, not any.
    const schema =
      engine === 'postgres'
        ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(old)).rows[0]?.schema
        : undefined;
    const migrator = new Migrator({
      db: old,
      provider: migrationProvider,
      ...(schema ? { migrationTableSchema: schema } : {}),
    });
    expect((await migrator.migrateTo('0002_health_probe')).error).toBeUndefined();
    for (const [id, at] of [
      ['later', T0 + 5],
      ['oldest', T0],
      ['middle', T0 + 1],
    ] as const) {
      await sql`insert into agents (id, name, name_key, password_hash, created_at)
        values (${id}, ${id}, ${id}, 'scrypt$x', ${at})`.execute(old);
    }
    await old.destroy();
    const storage = await openStorage(fresh.url);
    try {
      await storage.migrate();
      expect((await storage.agents.list()).map((a) => [a.id, a.role, a.disabledAt])).toEqual([
        ['oldest', 'admin', null],
        ['middle', 'agent', null],
        ['later', 'agent', null],
      ]);
      expect((await storage.audit.query({}, { limit: 10 })).entries).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});

// biome-ignore lint/suspicious/noExplicitAny: a database before the current schema
function rawKysely(engine: Engine, url: string): Kysely<any> {
  if (engine === 'sqlite') {
    return new Kysely({
      dialect: new SqliteDialect({ database: new BetterSqlite3(url.slice('sqlite:'.length)) }),
    });
  }
  return new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
}

/** A transaction holding every agent row (FOR UPDATE), released once `n` others wait on a lock. */
async function holdAgentRows(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('begin');
  await client.query('select id from agents for update');
  return {
    async releaseWhenWaiting(n: number) {
      try {
        for (let tries = 0; tries < 500; tries++) {
          // Statistics views are a snapshot per transaction, and this client is in one.
          await client.query('select pg_stat_clear_snapshot()');
          const { rows } = await client.query<{ waiting: number }>(
            `select count(*)::int as waiting from pg_stat_activity
              where wait_event_type = 'Lock' and datname = current_database() and query ilike '%agents%'`,
          );
          if ((rows[0]?.waiting ?? 0) >= n) return;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        throw new Error(`fewer than ${n} transactions ever waited on the agents' rows`);
      } finally {
        await client.query('commit');
        await client.end();
      }
    },
  };
}
