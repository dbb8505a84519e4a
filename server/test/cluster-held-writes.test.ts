import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { until } from '../../test-support/cluster';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import type { Locks } from '../src/calls/ports';
import { HeldCalls } from '../src/cluster/held-calls';
import { postgresKeyLock } from '../src/cluster/lock';
import { ClusterTimers } from '../src/cluster/timers';
import { makeCall } from './storage/fixtures';

/** Resolves `opened` from outside: a task kept going until the test lets it end. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
};

/** Every query this process sends to PostgreSQL while `counting` is set (pg, and Kysely through it). */
const sent: string[] = [];
let counting = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting)
    sent.push(typeof args[0] === 'string' ? args[0] : String((args[0] as { text?: string }).text));
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

/**
 * A call's change stored with its lock's release (cluster/lock.ts `persist`): the call's upsert
 * and the transaction's `commit` in one round trip on the lock's connection.
 */
describe('a call stored as its lock is let go', () => {
  let db: FreshStorage;
  let sql: pg.Pool;
  const nodes: { held: HeldCalls; locks: Locks; close: () => Promise<void> }[] = [];
  beforeAll(async () => {
    db = await freshStorage('postgres');
    sql = new pg.Pool({ connectionString: db.url, max: 1 });
    // A trigger of this schema's refuses a call whose staff member is `stf_refused`.
    await sql.query(`create function refuse_call() returns trigger language plpgsql as
      $$ begin raise exception 'refused'; end $$`);
    await sql.query(`create trigger refuse_call before update on calls for each row
      when (new.staff_id = 'stf_refused') execute function refuse_call()`);
    for (let i = 0; i < 2; i++) {
      const held = new HeldCalls();
      nodes.push({ held, ...postgresKeyLock(db.url, 4, held) });
    }
  });
  afterAll(async () => {
    pg.Client.prototype.query = query;
    for (const n of nodes) await n.close();
    await sql?.end();
    await db?.dispose();
  });

  /** Whether a query naming `text` waits for a lock in PostgreSQL (this test's, not another's). */
  const waiting = async (text: string) =>
    (
      await sql.query(
        "select 1 from pg_stat_activity where wait_event_type = 'Lock' and strpos(query, $1) > 0",
        [text],
      )
    ).rows.length > 0;

  it('takes two round trips, and the next holder reads the change before the task ends', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = makeCall();
    await db.storage.calls.save(call);
    const answered: Call = { ...call, state: 'active', answeredAt: call.createdAt + 1_000 };
    const stored = gate();
    const end = gate();
    sent.length = 0;
    counting = true;
    const aDone = a.locks.hold(call.id, async (inner) => {
      expect(inner.persist).toBeTypeOf('function');
      await db.storage.calls.save(answered, inner.persist!.bind(inner));
      counting = false;
      stored.open();
      await end.opened;
    });
    await stored.opened;
    // The lock with its read, then the write with the commit: nothing on the storage's pool.
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatch(/^insert into calls .*; commit$/s);
    expect((await db.storage.calls.get(call.id))?.state).toBe('active');
    // Let go with the write: node b holds the call while a's task still runs, and reads the change.
    const bSaw = await b.locks.hold(call.id, async () => b.held.get(call.id));
    expect(bSaw?.state).toBe('active');
    expect(a.held.get(call.id)).toBeUndefined();
    end.open();
    await aDone;
  });

  it('keeps nothing of a write the database refused, and lets the lock go', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = makeCall();
    await db.storage.calls.save(call);
    // The trigger refuses the row: the upsert fails, after the lock and before the commit.
    const refused: Call = { ...call, state: 'active', staffId: 'stf_refused' };
    const failed = a.locks.hold(call.id, async (inner) => {
      await inner.persist!(refused);
    });
    await expect(failed).rejects.toThrow(/refused/);
    // Its connection, back in node a's pool, was rolled back: the next hold on it works.
    expect(await a.locks.hold(call.id, async () => a.held.get(call.id)?.state)).toBe('ringing');
    expect(await b.locks.hold(call.id, async () => b.held.get(call.id)?.state)).toBe('ringing');
    expect((await db.storage.calls.get(call.id))?.state).toBe('ringing');
  });

  it('writes what `also` was given in the same round trip, before the call, and nothing of it when refused', async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const timers = new ClusterTimers(sql, 'node-a', pino({ level: 'silent' }));
    const call = makeCall();
    const lease = (id: string) => (literal: (s: string) => string) =>
      timers.setText(`cancel:${id}/phone`, 'cancel', 1_234, { callId: id }, true, literal);
    sent.length = 0;
    counting = true;
    await a.locks.hold(call.id, async (inner) => {
      inner.also!(lease(call.id));
      await inner.persist!(call);
      counting = false;
    });
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatch(/^insert into cluster_timers .*; insert into calls .*; commit$/s);
    const row = async (id: string) =>
      (
        await sql.query('select kind, due_at, owner, data from cluster_timers where key = $1', [
          `cancel:${id}/phone`,
        ])
      ).rows;
    expect(await row(call.id)).toEqual([
      { kind: 'cancel', due_at: '1234', owner: 'node-a', data: JSON.stringify({ callId: call.id }) },
    ]);
    // The call refused (the trigger): its lease is not written either.
    const refused = { ...makeCall(), staffId: 'stf_refused' };
    await db.storage.calls.save({ ...refused, staffId: 'stf_ok' });
    const failed = a.locks.hold(refused.id, async (inner) => {
      inner.also!(lease(refused.id));
      await inner.persist!(refused);
    });
    await expect(failed).rejects.toThrow(/refused/);
    expect(await row(refused.id)).toEqual([]);
  });

  it('clears timers that end while a delete is under way in one statement', async () => {
    const timers = new ClusterTimers(sql, 'node-a', pino({ level: 'silent' }));
    const keys = ['one', 'two', 'three', 'four'].map((k) => `grace:clear-${k}`);
    for (const key of keys) await timers.set(key, 'grace', 1, {});
    sent.length = 0;
    counting = true;
    await Promise.all(keys.map((key) => timers.clear(key)));
    counting = false;
    // The first at once, the three that came while it ran together.
    expect(sent.filter((q) => q.startsWith('delete from cluster_timers'))).toHaveLength(2);
    const { rows } = await sql.query('select key from cluster_timers where key = any($1)', [keys]);
    expect(rows).toEqual([]);
  });

  it('holds a key taken after the write until the task ends', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = makeCall();
    const key = `agent:after-${call.id}`;
    const inside = gate();
    const end = gate();
    const aDone = a.locks.hold(call.id, async (inner) => {
      await inner.persist!(call);
      await inner.hold(key, async () => {
        inside.open();
        await end.opened;
      });
    });
    await inside.opened;
    let bHeld = false;
    const bDone = b.locks.hold(key, async () => {
      bHeld = true;
    });
    // Taken in a transaction of its own again: a lock outside one would end with its statement.
    await until('node b waiting for the key', () => waiting(call.id));
    expect(bHeld).toBe(false);
    end.open();
    await aDone;
    await bDone;
    expect(bHeld).toBe(true);
  });
});
