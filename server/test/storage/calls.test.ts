import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, Direction, EndReason } from '#shared';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import { type HistoryFilter, InvalidCursorError, type Storage } from '../../src/storage/types';
import { ended, fixtureCall, makeCall, T0 } from './fixtures';

describe.each(ENGINES)('calls on %s', (engine) => {
  let db: FreshStorage;
  let s: Storage;
  beforeEach(async () => {
    db = await freshStorage(engine);
    s = db.storage;
  });
  afterEach(async () => {
    await db.dispose();
  });

  /** Every page of a query, following nextCursor to the end. */
  async function allPages(filter: HistoryFilter, limit: number): Promise<Call[][]> {
    const pages: Call[][] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await s.calls.query(filter, { cursor, limit });
      pages.push(page.calls);
      expect(page.calls.length).toBeLessThanOrEqual(limit);
      if (!page.nextCursor) break;
      expect(page.calls).toHaveLength(limit);
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThan(1000);
    }
    return pages;
  }

  const ids = (calls: Call[]) => calls.map((c) => c.id);

  /** Newest first; equal createdAt by id, descending (both engines compare ids as bytes here). */
  const newestFirst = (calls: Call[]) =>
    [...calls].sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

  describe('save and get', () => {
    it.each(['valid-outbound-ringing', 'valid-inbound-active', 'valid-ended-missed'])(
      'round-trips the %s fixture exactly',
      async (name) => {
        const call = fixtureCall(name);
        await s.calls.save(call);
        const back = await s.calls.get(call.id);
        expect(back).toStrictEqual(call);
        expect(JSON.stringify(back)).toBe(JSON.stringify(call));
        expect(typeof back?.createdAt).toBe('number');
      },
    );

    it('replaces the whole call on a second save', async () => {
      const call = makeCall();
      await s.calls.save(call);
      const done = ended(call, 'declined');
      await s.calls.save(done);
      expect(await s.calls.get(call.id)).toStrictEqual(done);
      expect(ids((await s.calls.query({ outcome: 'declined' }, { limit: 10 })).calls)).toEqual([call.id]);
      expect(await s.calls.listLive()).toEqual([]);
    });

    it('returns null for an unknown call', async () => {
      expect(await s.calls.get('00000000-0000-4000-8000-000000000000')).toBeNull();
    });
  });

  it('lists the calls that have not ended', async () => {
    const ringing = makeCall({ createdAt: T0 + 2 });
    const active = { ...makeCall({ createdAt: T0 + 1 }), state: 'active' as const, answeredAt: T0 + 5 };
    const connecting = { ...makeCall({ createdAt: T0 + 3 }), state: 'connecting' as const };
    const over = ended(makeCall({ createdAt: T0 }), 'completed');
    for (const c of [ringing, active, connecting, over]) await s.calls.save(c);
    expect(await s.calls.listLive()).toStrictEqual([active, ringing, connecting]);
  });

  it('lists the live calls that mention an id: its agent, a phone of a leg, the agent of a transfer', async () => {
    const template = makeCall();
    const leg = 'dev_mine';
    const mine = makeCall({
      createdAt: T0 + 1,
      agentId: 'agt_alice',
      devices: [{ ...template.devices[0]!, deviceId: leg }],
    });
    const other = makeCall({ createdAt: T0 + 2, agentId: 'agt_bob', devices: [] });
    const over = ended(makeCall({ createdAt: T0, agentId: 'agt_alice', devices: mine.devices }), 'completed');
    const consult = {
      ...other,
      id: makeCall().id,
      createdAt: T0 + 3,
      transfers: [{ toAgentId: 'agt_alice' }],
    };
    for (const c of [mine, other, over, consult as Call]) await s.calls.save(c);
    expect(ids(await s.calls.listLiveMentioning('agt_alice'))).toEqual([mine.id, consult.id]);
    expect(ids(await s.calls.listLiveMentioning(leg))).toEqual([mine.id]);
    expect(ids(await s.calls.listLiveMentioning('agt_nobody'))).toEqual([]);
  });

  it('lists the live calls whose ring deadline, or ringing transfer’s ring time, has passed', async () => {
    const ringUntil = T0 + 45_000;
    const due = makeCall({ createdAt: T0, ringUntil });
    const later = makeCall({ createdAt: T0 + 1, ringUntil: ringUntil + 1 });
    const answered = {
      ...makeCall({ createdAt: T0 + 2, ringUntil }),
      state: 'active' as const,
      answeredAt: T0 + 5,
    };
    const over = ended(makeCall({ createdAt: T0 + 3, ringUntil }), 'missed');
    const transfer = { state: 'ringing', toAgentId: 'agt_b', ringUntil };
    const transferring = { ...answered, id: makeCall().id, createdAt: T0 + 4, transfers: [transfer] };
    const transferLater = {
      ...answered,
      id: makeCall().id,
      createdAt: T0 + 5,
      transfers: [transfer, { ...transfer, ringUntil: ringUntil + 1 }],
    };
    const consulting = {
      ...transferring,
      id: makeCall().id,
      createdAt: T0 + 6,
      transfers: [{ ...transfer, state: 'consulting' }],
    };
    for (const c of [due, later, answered, over, transferring, transferLater, consulting]) {
      await s.calls.save(c as Call);
    }
    expect(ids(await s.calls.listLiveDue(ringUntil - 1))).toEqual([]);
    expect(ids(await s.calls.listLiveDue(ringUntil + 0.5))).toEqual([due.id, transferring.id]);
    expect(ids(await s.calls.listLiveDue(ringUntil + 1))).toEqual([
      due.id,
      later.id,
      transferring.id,
      transferLater.id,
    ]);
  });

  describe('history', () => {
    const staffIds = ['stf_ana', 'stf_ben', 'stf_cho'];
    const directions: Direction[] = ['outbound', 'inbound'];
    const outcomes: (EndReason | null)[] = ['completed', 'missed', 'declined', null];

    /** 40 calls over 12 distinct instants, so many share a createdAt. */
    async function seed(): Promise<Call[]> {
      const calls: Call[] = [];
      for (let i = 0; i < 40; i++) {
        const base = makeCall({
          createdAt: T0 + Math.floor(i / 4) * 1000 + (i % 3 === 0 ? 0 : 500),
          staffId: staffIds[i % 3]!,
          direction: directions[i % 2]!,
        });
        const outcome = outcomes[i % 4]!;
        const call = outcome ? ended(base, outcome) : base;
        calls.push(call);
      }
      // Saved out of order: the order comes from the query, not from insertion.
      for (const c of [...calls].reverse()) await s.calls.save(c);
      return calls;
    }

    it('pages through everything newest first with no duplicates and no gaps', async () => {
      const calls = await seed();
      const expected = ids(newestFirst(calls));
      for (const limit of [1, 3, 7, 40, 41, 200]) {
        const pages = await allPages({}, limit);
        expect(ids(pages.flat())).toEqual(expected);
        expect(pages.length).toBe(Math.max(1, Math.ceil(40 / limit)));
      }
      const single = await s.calls.query({}, { limit: 100 });
      expect(single.nextCursor).toBeNull();
      expect(ids(single.calls)).toEqual(expected);
    });

    it('is stable when every call has the same createdAt', async () => {
      const calls = Array.from({ length: 11 }, () => makeCall({ createdAt: T0 }));
      for (const c of calls) await s.calls.save(c);
      const pages = await allPages({}, 3);
      expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 2]);
      expect(ids(pages.flat())).toEqual(ids(newestFirst(calls)));
    });

    it('does not shift when newer calls arrive between pages', async () => {
      const calls = await seed();
      const first = await s.calls.query({}, { limit: 10 });
      for (let i = 0; i < 5; i++) await s.calls.save(makeCall({ createdAt: T0 + 1_000_000 + i }));
      const rest: Call[] = [];
      let cursor = first.nextCursor;
      while (cursor) {
        const page = await s.calls.query({}, { cursor, limit: 10 });
        rest.push(...page.calls);
        cursor = page.nextCursor;
      }
      expect(ids([...first.calls, ...rest])).toEqual(ids(newestFirst(calls)));
    });

    it.each<[string, HistoryFilter, (c: Call) => boolean]>([
      ['staffId', { staffId: 'stf_ben' }, (c) => c.staffId === 'stf_ben'],
      ['direction', { direction: 'inbound' }, (c) => c.direction === 'inbound'],
      ['outcome', { outcome: 'missed' }, (c) => c.endReason === 'missed'],
      ['from (inclusive)', { from: T0 + 5000 }, (c) => c.createdAt >= T0 + 5000],
      ['to (exclusive)', { to: T0 + 5000 }, (c) => c.createdAt < T0 + 5000],
      [
        'everything at once',
        { staffId: 'stf_ana', direction: 'outbound', outcome: 'completed', from: T0 + 1000, to: T0 + 9500 },
        (c) =>
          c.staffId === 'stf_ana' &&
          c.direction === 'outbound' &&
          c.endReason === 'completed' &&
          c.createdAt >= T0 + 1000 &&
          c.createdAt < T0 + 9500,
      ],
      ['a staff member with no calls', { staffId: 'stf_nobody' }, () => false],
    ])('filters by %s, across pages', async (_name, filter, keep) => {
      const calls = await seed();
      const expected = ids(newestFirst(calls.filter(keep)));
      expect(ids((await allPages(filter, 2)).flat())).toEqual(expected);
      expect(ids((await s.calls.query(filter, { limit: 500 })).calls)).toEqual(expected);
    });

    it('has cursors that are opaque strings fit for a URL', async () => {
      await seed();
      const { nextCursor } = await s.calls.query({}, { limit: 5 });
      expect(nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(nextCursor!.length).toBeLessThanOrEqual(200);
    });

    it.each([
      ['garbage', 'not a cursor!'],
      ['empty', ''],
      ['valid base64 of nonsense', Buffer.from('hello world').toString('base64url')],
      ['a bad number', Buffer.from('h1:12x:abc').toString('base64url')],
      ['a number too large', Buffer.from('h1:99999999999999999:abc').toString('base64url')],
      ['no id', Buffer.from('h1:1795587574543:').toString('base64url')],
      ['padding', `${Buffer.from('h1:1795587574543:abc').toString('base64url')}==`],
      ['way too long', 'A'.repeat(5000)],
    ])('rejects a cursor that is %s', async (_name, cursor) => {
      await seed();
      await expect(s.calls.query({}, { cursor, limit: 5 })).rejects.toBeInstanceOf(InvalidCursorError);
    });

    it('rejects a limit that is not a positive integer', async () => {
      await expect(s.calls.query({}, { limit: 0 })).rejects.toThrow(RangeError);
      await expect(s.calls.query({}, { limit: 2.5 })).rejects.toThrow(RangeError);
    });
  });
});

describe.each(ENGINES)('directory on %s', (engine) => {
  let db: FreshStorage;
  let s: Storage;
  beforeEach(async () => {
    db = await freshStorage(engine);
    s = db.storage;
  });
  afterEach(async () => {
    await db.dispose();
  });

  const entries = [
    { number: '+15551234567', label: 'Support', blocked: false },
    { number: '+4930123456', label: null, blocked: true },
    { number: '+33123456789', label: 'Paris · Accueil', blocked: false },
  ];

  it('starts empty at version 0', async () => {
    expect(await s.directory.get()).toEqual({ version: 0, entries: [] });
  });

  it('replaces every entry and bumps the version each time', async () => {
    expect(await s.directory.set(entries, T0)).toBe(1);
    const first = await s.directory.get();
    expect(first).toStrictEqual({ version: 1, entries });
    expect(typeof first.version).toBe('number');

    expect(await s.directory.set([entries[1]!], T0 + 1)).toBe(2);
    expect(await s.directory.get()).toStrictEqual({ version: 2, entries: [entries[1]] });

    expect(await s.directory.set([], T0 + 2)).toBe(3);
    expect(await s.directory.get()).toStrictEqual({ version: 3, entries: [] });
  });

  it('keeps a large directory whole and in order', async () => {
    const many = Array.from({ length: 1234 }, (_, i) => ({
      number: `+1555${String(i).padStart(7, '0')}`,
      label: i % 5 === 0 ? null : `Entry ${i}`,
      blocked: i % 7 === 0,
    }));
    expect(await s.directory.set(many, T0)).toBe(1);
    expect(await s.directory.get()).toStrictEqual({ version: 1, entries: many });
  });

  it('gives concurrent sets distinct versions, and the last one wins whole', async () => {
    const lists = Array.from({ length: 6 }, (_, n) =>
      Array.from({ length: 20 }, (_, i) => ({
        number: `+1555${n}${String(i).padStart(6, '0')}`,
        label: `${n}`,
        blocked: false,
      })),
    );
    const versions = await Promise.all(lists.map((l, i) => s.directory.set(l, T0 + i)));
    expect([...versions].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6]);
    const now = await s.directory.get();
    expect(now.version).toBe(6);
    expect(now.entries).toStrictEqual(lists[versions.indexOf(6)]);
  });
});
