import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import { keepOwnRows } from '../../src/storage/own-rows';
import type { DeviceStore, StaffStore, Storage } from '../../src/storage/types';
import { makeDevice, T0 } from './fixtures';

const READS = {
  staff: ['get', 'getMany', 'list'],
  devices: ['get', 'list', 'listByStaff', 'listByStaffIds'],
};

/**
 * A single server keeps its staff and phones once read (own-rows.ts). Every write method of the
 * two stores is walked here: after each, what the kept storage answers is what the database holds.
 */
describe.each(ENGINES)('staff and phones kept by a single server on %s', (engine) => {
  let fresh: FreshStorage;
  let s: Storage;
  /** The stores as the database answers them, past the caches. */
  let raw: { staff: StaffStore; devices: DeviceStore };
  let reads: number;
  /** While set, a phone's read hands back what it got only once this resolves. */
  let hold: Promise<void> | null;
  beforeEach(async () => {
    fresh = await freshStorage(engine);
    s = fresh.storage;
    reads = 0;
    hold = null;
    const { get, listByStaffIds } = s.devices;
    const { getMany } = s.staff;
    s.devices = {
      ...s.devices,
      get: async (id) => {
        reads++;
        const row = await get(id);
        await hold;
        return row;
      },
      listByStaffIds: async (ids) => {
        reads++;
        const rows = await listByStaffIds(ids);
        await hold;
        return rows;
      },
    };
    s.staff = {
      ...s.staff,
      getMany: async (ids) => {
        reads++;
        const rows = await getMany(ids);
        await hold;
        return rows;
      },
    };
    raw = { staff: s.staff, devices: s.devices };
    await s.staff.create({ id: 'ana', name: 'Ana', handle: null, createdAt: T0 });
    await s.staff.create({ id: 'ben', name: 'Ben', handle: null, createdAt: T0 });
    await s.devices.create(makeDevice('ana', { id: 'd1', voipToken: 'aa11', pairedAt: T0 }));
    await s.devices.create(makeDevice('ana', { id: 'd2', voipToken: 'bb22', pairedAt: T0 + 1 }));
    await s.devices.create(makeDevice('ben', { id: 'd3', voipToken: 'cc33', pairedAt: T0 }));
    keepOwnRows(s);
  });
  afterEach(async () => {
    await fresh.dispose();
  });

  /** Every kept read, through the caches and past them. */
  const everything = async (store: { staff: StaffStore; devices: DeviceStore }) => ({
    staff: await Promise.all(['ana', 'ben', 'cat'].map((id) => store.staff.get(id))),
    devices: await Promise.all(['d1', 'd2', 'd3', 'd4'].map((id) => store.devices.get(id))),
    byStaff: await Promise.all(['ana', 'ben', 'cat'].map((id) => store.devices.listByStaff(id))),
    // The roster's reads of several at once; the database's own order of `getMany` is none.
    many: (await store.staff.getMany(['cat', 'ben', 'ana'])).map((r) => r.id).sort(),
    manyRows: byId(await store.staff.getMany(['ana', 'ben', 'cat'])),
    byStaffIds: await store.devices.listByStaffIds(['cat', 'ben', 'ana']),
  });
  const byId = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

  const update = { apnsEnvironment: 'sandbox', appVersion: '1.1', osVersion: '18.2', at: T0 + 9 } as const;
  const writes: {
    staff: Record<string, () => Promise<unknown>>;
    devices: Record<string, () => Promise<unknown>>;
  } = {
    staff: {
      create: () => s.staff.create({ id: 'cat', name: 'Cat', handle: null, createdAt: T0 }),
      update: () => s.staff.update('ana', { name: 'Ana B', fallbackStaffId: 'ben' }),
      remove: () => s.staff.remove('ana'),
    },
    devices: {
      create: () => s.devices.create(makeDevice('ben', { id: 'd4', pairedAt: T0 + 2 })),
      // d3 takes d1's token: d1 loses it (one record per token), two phones of two staff members.
      updateToken: () => s.devices.updateToken('d3', { ...update, voipToken: 'aa11' }),
      setMicrophone: () => s.devices.setMicrophone('d1', 'denied'),
      markTokenInvalid: () => s.devices.markTokenInvalid('d2', 'bb22', 'Unregistered', T0 + 5),
      touch: () => s.devices.touch('d1', T0 + 7),
      setFeatures: () => s.devices.setFeatures('d2', ['video']),
      remove: () => s.devices.remove('d1'),
    },
  };

  it('has a case below for every write method of both stores (a new one must be added here)', () => {
    for (const name of ['staff', 'devices'] as const) {
      const methods = Object.keys(s[name]).filter((m) => !READS[name].includes(m));
      expect(methods.sort()).toEqual(Object.keys(writes[name]).sort());
    }
  });

  it('answers as the database does after each write method, one after another', async () => {
    // In an order where each changes what is kept (a phone removed cannot be touched after).
    const order = [
      'devices.touch',
      'devices.setFeatures',
      'devices.setMicrophone',
      'devices.markTokenInvalid',
      'devices.updateToken',
      'staff.update',
      'devices.create',
      'staff.create',
      'devices.remove',
      'staff.remove',
    ];
    expect([...order].sort()).toEqual(
      (['staff', 'devices'] as const).flatMap((n) => Object.keys(writes[n]).map((m) => `${n}.${m}`)).sort(),
    );
    for (const step of order) {
      const [name, method] = step.split('.') as ['staff' | 'devices', string];
      const before = await everything(s);
      await writes[name][method]!();
      const after = await everything(raw);
      expect(after, step).not.toEqual(before);
      expect(await everything(s), step).toEqual(after);
    }
  });

  it('reads a phone once, then answers from memory, and a frozen row', async () => {
    const first = await s.devices.get('d1');
    expect(await s.devices.get('d1')).toBe(first);
    expect(reads).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it("answers the roster's reads of several from memory, each key once read, alone or with others", async () => {
    // What `get` and `listByStaff` kept serves the reads of several, and the other way round.
    await s.staff.get('ana');
    await s.devices.listByStaff('ana');
    reads = 0;
    expect((await s.staff.getMany(['ana', 'ben'])).map((r) => r.id)).toEqual(['ana', 'ben']);
    expect((await s.devices.listByStaffIds(['ben', 'ana'])).map((d) => d.id)).toEqual(['d1', 'd3', 'd2']);
    expect(reads).toBe(2); // ben alone, once each
    expect((await s.staff.getMany(['ben', 'ana', 'nobody'])).map((r) => r.id)).toEqual(['ben', 'ana']);
    expect(await s.devices.listByStaffIds(['ana', 'ben', 'nobody'])).toHaveLength(3);
    expect(reads).toBe(4); // nobody: read once…
    await s.staff.getMany(['nobody']);
    await s.devices.listByStaffIds(['nobody']);
    expect(reads).toBe(4); // …then known not to be there
    expect(await s.staff.get('ben')).toBe((await s.staff.getMany(['ben']))[0]);
    expect(reads).toBe(4);
    // A phone seen connecting (its `last_seen_at`, which the roster shows) is read again.
    await s.devices.touch('d3', T0 + 9);
    expect((await s.devices.listByStaffIds(['ben'])).map((d) => d.lastSeenAt)).toEqual([T0 + 9]);
    expect(reads).toBe(5);
  });

  it('answers every key of a read of several, also one kept before it that a write forgot meanwhile', async () => {
    await s.staff.get('ana');
    await s.devices.listByStaff('ana');
    let release = () => {};
    hold = new Promise((r) => {
      release = r;
    });
    // Ana is kept, Ben is read; a write during the read empties what is kept.
    const staff = s.staff.getMany(['ana', 'ben']);
    const phones = s.devices.listByStaffIds(['ana', 'ben']);
    await s.staff.update('ben', { name: 'Ben B', fallbackStaffId: null });
    release();
    expect((await staff).map((r) => r.id)).toEqual(['ana', 'ben']);
    expect((await phones).map((d) => d.id)).toEqual(['d1', 'd3', 'd2']);
  });

  it('keeps nothing a read got while a write ran', async () => {
    let release = () => {};
    hold = new Promise((r) => {
      release = r;
    });
    // The read has its row from before the write, and comes back only after the write is done.
    const reading = s.devices.get('d1');
    await s.devices.touch('d1', T0 + 3);
    release();
    expect((await reading)?.lastSeenAt).toBe(null);
    expect((await s.devices.get('d1'))?.lastSeenAt).toBe(T0 + 3);
  });
});
