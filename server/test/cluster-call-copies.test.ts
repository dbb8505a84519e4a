import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, transition } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import { sentToPostgres } from '../../test-support/pg-queries';
import type { Locks } from '../src/calls/ports';
import { KeyedQueue } from '../src/calls/queue';
import { HeldCalls } from '../src/cluster/held-calls';
import { postgresKeyLock, StaleCopy } from '../src/cluster/lock';
import { ClusterTimers } from '../src/cluster/timers';
import { AppError } from '../src/errors';
import { makeCall } from './storage/fixtures';

/** Resolves `opened` from outside: a task kept going until the test lets it end. */
const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
};

/** The call with one more timeline entry, named `tag`: a version another node could have stored. */
const moved = (call: Call, tag: string): Call => ({
  ...call,
  timeline: [
    ...call.timeline,
    { at: call.createdAt + 1, event: 'fallback', source: 'server', actorId: null, detail: tag },
  ],
});
/** The tag of the call's last timeline entry (`moved`). */
const lastTag = (call: Call | null | undefined) => call?.timeline.at(-1)?.detail;

/**
 * A live call's change begun from the node's copy of it (cluster/lock.ts `optimistic`): one round
 * trip when the copy is the call as stored; when another node changed the call since, nothing of
 * the change is kept and the task runs again under the call's lock, on the call as stored.
 */
describe("a call's change from the node's copy", () => {
  let db: FreshStorage;
  let sql: pg.Pool;
  /** What each node's view holds (ClusterLiveCalls in the app), set by the tests. */
  const views = [new Map<string, Call>(), new Map<string, Call>()];
  const nodes: { held: HeldCalls; locks: Locks; close: () => Promise<void> }[] = [];
  beforeAll(async () => {
    db = await freshStorage('postgres');
    sql = new pg.Pool({ connectionString: db.url, max: 2 });
    for (const view of views) {
      const held = new HeldCalls(
        (id) => view.get(id),
        (call) => view.set(call.id, call),
      );
      nodes.push({ held, ...postgresKeyLock(db.url, 4, held) });
    }
  });
  afterAll(async () => {
    for (const n of nodes) await n.close();
    await sql?.end();
    await db?.dispose();
  });

  /** A call stored, with a copy of it in the views of the nodes `copies` names. */
  const storedCall = async (copies: number[]) => {
    const call = makeCall();
    await db.storage.calls.save(call);
    for (const i of copies) views[i]!.set(call.id, call);
    return call;
  };

  /** Applies `event` to the call as the hold has it (`held.get`, as the lifecycle reads it). */
  const change = (node: (typeof nodes)[number], callId: string, event: string, seen: Call[] = []) =>
    node.locks.hold(callId, async (inner) => {
      const current = node.held.get(callId)!;
      seen.push(current);
      const next = moved(current, event);
      await inner.persist!(next);
      return next;
    });

  it('stores a change from an up-to-date copy in one round trip, with the lock and the check', async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const call = await storedCall([0]);
    const staleBefore = a.held.rerunsUnderLock;
    const sent = await sentToPostgres(async () => {
      await change(a, call.id, 'one');
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(
      /^select pg_advisory_xact_lock\(.*\); select call_unchanged\(.*\); insert into calls /s,
    );
    expect(lastTag(await db.storage.calls.get(call.id))).toBe('one');
    expect(a.held.rerunsUnderLock).toBe(staleBefore);
  });

  it('keeps nothing of a change from a copy another node changed, and decides again on the stored call', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const timers = new ClusterTimers(sql, 'node-a', pino({ level: 'silent' }));
    // Node b stores a change node a has not heard of yet.
    const call = await storedCall([0, 1]);
    await change(b, call.id, 'from b');
    const seen: Call[] = [];
    const staleBefore = a.held.rerunsUnderLock;
    const lease = `cancel:${call.id}/phone`;
    const result = await a.locks.hold(call.id, async (inner) => {
      const current = a.held.get(call.id)!;
      seen.push(current);
      inner.also!((literal) => timers.setText(lease, 'cancel', 1_234, { n: seen.length }, true, literal));
      await inner.persist!(moved(current, 'from a'));
      return seen.length;
    });
    // The first run began from the old copy; its write was refused, lease and all.
    expect(result).toBe(2);
    expect(lastTag(seen[0])).not.toBe('from b');
    expect(lastTag(seen[1])).toBe('from b');
    const stored = await db.storage.calls.get(call.id);
    expect(stored?.timeline.slice(-2).map((t) => t.detail)).toEqual(['from b', 'from a']);
    const { rows } = await sql.query('select data from cluster_timers where key = $1', [lease]);
    expect(rows).toEqual([{ data: JSON.stringify({ n: 2 }) }]);
    expect(a.held.rerunsUnderLock).toBe(staleBefore + 1);
  });

  it('loses no change when two nodes change the call at once from the same copy', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = await storedCall([0, 1]);
    await Promise.all([change(a, call.id, 'a'), change(b, call.id, 'b')]);
    const events = (await db.storage.calls.get(call.id))?.timeline.map((t) => t.detail) ?? [];
    expect(events.filter((e) => e === 'a' || e === 'b').sort()).toEqual(['a', 'b']);
  });

  it('lets a refusal from an up-to-date copy stand, and decides again one from a copy another node changed', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = await storedCall([0, 1]);
    /** Refuses unless the call has node b's change. */
    const refuseUnlessMoved = () =>
      a.locks.hold(call.id, async () => {
        if (lastTag(a.held.get(call.id)) !== 'moved') throw new AppError('CONFLICT', 'not yet');
        return 'accepted';
      });
    const sent = await sentToPostgres(async () => {
      await expect(refuseUnlessMoved()).rejects.toThrow(/not yet/);
    });
    // Confirmed with the check alone: one round trip, as a read under the lock would be.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/call_unchanged/);
    await change(b, call.id, 'moved');
    // Node a's copy is still the old one: its refusal is checked, found stale, and decided again.
    await expect(refuseUnlessMoved()).resolves.toBe('accepted');
  });

  it('refuses a write of its own before the copy is confirmed (`needLock`), and runs the task under the lock', async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const call = await storedCall([0]);
    const tries: string[] = [];
    await a.locks.hold(call.id, async (inner) => {
      if (tries.length === 0) {
        tries.push('from the copy');
        await expect(inner.needLock!()).rejects.toThrow(StaleCopy);
        await inner.needLock!();
      }
      // Under the lock, the call read with it: nothing to wait for.
      await inner.needLock?.();
      tries.push('under the lock');
    });
    expect(tries).toEqual(['from the copy', 'under the lock']);
    // Confirmed first, a write of its own may go on.
    await a.locks.hold(call.id, async (inner) => {
      await inner.confirm!();
      await inner.needLock!();
    });
  });

  /** Whether a query naming `text` waits for a lock in PostgreSQL. */
  const waiting = async (text: string) =>
    (
      await sql.query(
        "select 1 from pg_stat_activity where wait_event_type = 'Lock' and strpos(query, $1) > 0",
        [text],
      )
    ).rows.length > 0;

  /** `change`, inside a hold of a phone's key (an answer's), as the lifecycle runs it (`within`). */
  const changeWithin = (node: (typeof nodes)[number], callId: string, tag: string, seen: Call[] = []) =>
    node.locks.hold(`device:phone-${callId}`, (outer) =>
      outer.hold(callId, async () => {
        const current = node.held.get(callId)!;
        seen.push(current);
        const next = moved(current, tag);
        await outer.persist!(next);
        return next;
      }),
    );

  it("takes the call's key inside a phone's from the copy: its check goes with the write and the commit", async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const call = await storedCall([0]);
    const sent = await sentToPostgres(async () => {
      await changeWithin(a, call.id, 'answered');
    });
    // The phone's lock, then the call's lock and check with the write and the commit.
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatch(
      /^select pg_advisory_xact_lock\(.*\); select call_unchanged\(.*; insert into calls .*; commit$/s,
    );
    expect(lastTag(await db.storage.calls.get(call.id))).toBe('answered');
  });

  it("runs the phone's whole task again, with the call read under its lock, when the copy inside it was stale", async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = await storedCall([0, 1]);
    await change(b, call.id, 'from b');
    const seen: Call[] = [];
    const rerunsBefore = a.held.rerunsUnderLock;
    await changeWithin(a, call.id, 'answered', seen);
    expect(seen.map(lastTag)).toEqual([lastTag(call), 'from b']);
    const stored = await db.storage.calls.get(call.id);
    expect(stored?.timeline.slice(-2).map((t) => t.detail)).toEqual(['from b', 'answered']);
    expect(a.held.rerunsUnderLock).toBe(rerunsBefore + 1);
  });

  it("checks a refusal made inside a phone's hold from the copy, and lets it stand when the copy was the call", async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const call = await storedCall([0]);
    const sent = await sentToPostgres(async () => {
      const refused = a.locks.hold(`device:phone-${call.id}`, (outer) =>
        outer.hold(call.id, async () => {
          throw new AppError('CONFLICT', 'answered elsewhere');
        }),
      );
      await expect(refused).rejects.toThrow(/answered elsewhere/);
    });
    // The phone's lock, the copy's check, and the rollback.
    expect(sent.filter((q) => /call_unchanged/.test(q))).toHaveLength(1);
  });

  it("checks the copy inside a phone's hold before a write of the task's own, and holds the call's lock from then on", async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = await storedCall([0, 1]);
    const checked = gate();
    const written = gate();
    const done = a.locks.hold(`device:phone-${call.id}`, (outer) =>
      outer.hold(call.id, async () => {
        await outer.needLock!();
        checked.open();
        // Node b's change waits for this hold's transaction: the copy stays the call.
        await written.opened;
        await outer.persist!(moved(a.held.get(call.id)!, 'a'));
      }),
    );
    await checked.opened;
    const bDone = change(b, call.id, 'b');
    await until("node b's write waiting for the call's lock", () => waiting(call.id));
    written.open();
    await done;
    await bDone;
    const stored = await db.storage.calls.get(call.id);
    expect(stored?.timeline.slice(-2).map((t) => t.detail)).toEqual(['a', 'b']);
    // And a stale copy found by the check makes the phone's whole task run again.
    await change(b, call.id, 'b again');
    const seen: string[] = [];
    await a.locks.hold(`device:phone-${call.id}`, (outer) =>
      outer.hold(call.id, async () => {
        seen.push(String(lastTag(a.held.get(call.id))));
        await outer.needLock!();
      }),
    );
    expect(seen).toEqual([String(lastTag(call)), 'b again']);
  });

  it('takes the call read under the lock after a stale copy as its copy, even when the task stores nothing', async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = await storedCall([0, 1]);
    // A change node a never hears of (its node died before the broadcast left).
    await change(b, call.id, 'unheard');
    // A task that decides nothing from node a's copy: checked, found stale, run under the lock.
    await a.locks.hold(call.id, async () => undefined);
    expect(lastTag(views[0]!.get(call.id))).toBe('unheard');
    // So node a's next change begins from the call as stored: one round trip, no rerun.
    const reruns = a.held.rerunsUnderLock;
    const sent = await sentToPostgres(() => change(a, call.id, 'from the copy'));
    expect(sent).toHaveLength(1);
    expect(a.held.rerunsUnderLock).toBe(reruns);
  });

  it("stores a call's own change while its party tasks hold every lock connection, waiting for it", async () => {
    // Two lock connections, both held by tasks of phones (their answers) waiting for the call's
    // in-process queue, where a change of the call's own (an APNs answer's write) runs first.
    const view = new Map<string, Call>();
    const held = new HeldCalls((id) => view.get(id));
    const node = postgresKeyLock(db.url, 2, held);
    try {
      const queue = new KeyedQueue(node.locks);
      for (const copied of [true, false]) {
        const call = await storedCall([]);
        if (copied) view.set(call.id, call);
        const write = gate();
        const own = queue.run(call.id, async (inner) => {
          await write.opened;
          await inner.persist!(moved(held.get(call.id)!, 'own'));
        });
        const parties = gate();
        let holding = 0;
        const answers = ['one', 'two'].map((phone) =>
          queue.run(`device:${phone}-${call.id}`, async (outer) => {
            holding += 1;
            if (holding === 2) parties.open();
            return queue.run(call.id, async () => 'answered', 'urgent', outer);
          }),
        );
        await parties.opened;
        write.open();
        await own;
        expect(await Promise.all(answers)).toEqual(['answered', 'answered']);
        expect(lastTag(await db.storage.calls.get(call.id))).toBe('own');
      }
    } finally {
      await node.close();
    }
  });

  it("confirms a copy inside a phone's hold before the task acts on a decision it does not store", async () => {
    const [a, b] = nodes as [(typeof nodes)[number], (typeof nodes)[number]];
    const call = await storedCall([0, 1]);
    await change(b, call.id, 'from b');
    // As a report that changes nothing is marked seen: only once its copy is confirmed.
    const marked: string[] = [];
    await a.locks.hold(`device:phone-${call.id}`, (outer) =>
      outer.hold(call.id, async (inner) => {
        await inner.confirm?.();
        marked.push(String(lastTag(a.held.get(call.id))));
      }),
    );
    // Marked once, from the call as stored: the stale copy's run stopped at its confirmation.
    expect(marked).toEqual(['from b']);
  });

  it('reads a call this node has no copy of under its lock', async () => {
    const [a] = nodes as [(typeof nodes)[number]];
    const call = await storedCall([]);
    const sent = await sentToPostgres(async () => {
      await change(a, call.id, 'read');
    });
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^begin; select pg_advisory_xact_lock\(.*\); select doc from calls/s);
  });
});

/**
 * The call core on a node whose copy of a call is behind: another node stored a change and died
 * before its broadcast left. What the node decides from its copy stands only once the copy is
 * found to be the call as stored (lifecycle.ts `confirm`), a report marked seen included.
 */
describe('a report on a node whose copy of the call another node changed', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  it('is applied to the call as stored, even where the copy says it changes nothing', async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await phone.waitFor<{ call: Call }>('call:changed', (p) => p.call.id === call.id);
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'muted');
    await c.idle();
    // The unmute of a node that died right after storing it: no node's copy has it.
    const stored = (await c.storage.calls.get(call.id))!;
    const unmuted = transition(stored, { type: 'mute', on: false }, c.clock.now(), 'device');
    if (!unmuted.ok) throw new Error(unmuted.message);
    await c.storage.calls.save(unmuted.call);
    // From node 1's copy (muted) this report changes nothing; from the call as stored, it mutes.
    const acked = await phone.report(call.id, 'muted');
    expect(acked).toMatchObject({ ok: true, data: { muted: true } });
    const after = await c.storage.calls.get(call.id);
    expect(after?.muted).toBe(true);
    // Counted where operators see it.
    const metrics = await (await fetch(`${c.nodes[1]!.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchboard_cluster_call_reruns_total [1-9]/m);
    expect(after?.timeline.map((t) => t.event).filter((e) => e === 'muted' || e === 'unmuted')).toEqual([
      'muted',
      'unmuted',
      'muted',
    ]);
  });
});
