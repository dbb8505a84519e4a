import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { until } from '../../test-support/cluster';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import type { Locks } from '../src/calls/ports';
import { HeldCalls } from '../src/cluster/held-calls';
import { postgresKeyLock } from '../src/cluster/lock';
import { ended, makeCall } from './storage/fixtures';

/** Resolves `release()`'s promise from outside: a hold kept open until the test lets it go. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
};

/**
 * Two nodes' call locks on one PostgreSQL (cluster/lock.ts), each reading the call with its lock
 * (cluster/held-calls.ts): what a holder reads is what the previous holder stored.
 */
describe('a call read with its lock', () => {
  let db: FreshStorage;
  let sql: pg.Pool;
  const nodes: { held: HeldCalls; locks: Locks; close: () => Promise<void> }[] = [];
  beforeAll(async () => {
    db = await freshStorage('postgres');
    sql = new pg.Pool({ connectionString: db.url, max: 1 });
    for (let i = 0; i < 2; i++) {
      const held = new HeldCalls();
      nodes.push({ held, ...postgresKeyLock(db.url, 4, held) });
    }
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await sql?.end();
    await db?.dispose();
  });

  it('is the version the previous holder stored, and this node’s own writes after it', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = makeCall();
    await db.storage.calls.save(call);
    const aHolds = gate();
    const aMayStore = gate();
    // Node a holds the call; node b asks for it meanwhile; a stores a new version only once b
    // waits for the lock, so a read taken before the lock was granted would miss it.
    const aDone = a.locks.hold(call.id, async () => {
      expect(a.held.get(call.id)).toEqual(call);
      aHolds.open();
      await aMayStore.opened;
      const answered: Call = { ...call, state: 'active', answeredAt: call.createdAt + 1_000 };
      await db.storage.calls.save(answered);
      a.held.stored(answered);
      expect(a.held.get(call.id)).toEqual(answered);
    });
    await aHolds.opened;
    const bSaw = b.locks.hold(call.id, async () => b.held.get(call.id));
    await until('node b waiting for the lock', async () => {
      // This call's lock, not another test's on the same PostgreSQL.
      const { rows } = await sql.query(
        "select 1 from pg_stat_activity where wait_event_type = 'Lock' and strpos(query, $1) > 0",
        [call.id],
      );
      return rows.length > 0;
    });
    aMayStore.open();
    await aDone;
    expect(a.held.get(call.id)).toBeUndefined();
    expect((await bSaw)?.state).toBe('active');
    expect(b.held.get(call.id)).toBeUndefined();
  });

  it('is read inside another key’s hold too, and not for keys that are not calls', async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const call = ended(makeCall(), 'completed');
    await db.storage.calls.save(call);
    const seen = await a.locks.hold(`agent:${call.agentId}`, async (inner) => {
      const outer = a.held.get(`agent:${call.agentId}`);
      const within = await inner.hold(call.id, async () => a.held.get(call.id));
      return { outer, within };
    });
    expect(seen.outer).toBeUndefined();
    expect(seen.within).toEqual(call);
    // No such call: nothing held, the caller reads the database as before.
    expect(await a.locks.hold('no-such-call', async () => a.held.get('no-such-call'))).toBeUndefined();
  });

  it('reads the live calls naming an agent or phone with its lock, for one busy check', async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const live = makeCall({ agentId: 'agt_held' });
    const over = ended(makeCall({ agentId: 'agt_held' }), 'completed');
    const other = makeCall({ agentId: 'agt_other' });
    for (const call of [live, over, other]) await db.storage.calls.save(call);
    const leg = live.devices[0]!.deviceId;
    const seen = await a.locks.hold('agent:agt_held', async (inner) => {
      const first = a.held.takeNaming('agent:agt_held');
      const again = a.held.takeNaming('agent:agt_held');
      const phone = await inner.hold(`device:${leg}`, async () => {
        const before = a.held.takeNaming(`device:${leg}`);
        return before;
      });
      return { first, again, phone };
    });
    expect(seen.first?.map((c) => c.id)).toEqual([live.id]);
    expect(seen.again).toBeUndefined(); // taken once: a second check reads afresh
    expect(seen.phone?.map((c) => c.id)).toContain(live.id);
    // A call this node stores under the lock drops what was read: the check would read afresh.
    const dropped = await a.locks.hold('agent:agt_held', async () => {
      a.held.stored(other);
      return a.held.takeNaming('agent:agt_held');
    });
    expect(dropped).toBeUndefined();
    expect(
      await a.locks.hold('softphone:agt_held', async () => a.held.takeNaming('softphone:agt_held')),
    ).toBe(undefined);
  });
});
