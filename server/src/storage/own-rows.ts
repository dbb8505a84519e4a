import { keepOpenCallbacks } from './open-callbacks';
import type { DeviceStore, StaffStore, Storage } from './types';

/** Reads answered from memory once read: every call placement and cancel asks them. */
const CACHED = {
  staff: ['get'],
  devices: ['get', 'listByStaff'],
} as const;
/**
 * Reads of several keys at once (the roster's flush, twice a call): each key answered from what the
 * read of one keeps (`get`, `listByStaff`), and those not kept read together, then kept as theirs.
 */
const ASSEMBLED = {
  staff: { getMany: 'get' },
  devices: { listByStaffIds: 'listByStaff' },
} as const;
/** Reads that go to the database as before, and change nothing. */
const PASSED = {
  staff: ['list'],
  devices: ['list'],
} as const;
/** Writes to one phone, its id first: they forget that phone only (a phone connecting touches it). */
const OF_ONE_DEVICE: readonly string[] = ['touch', 'setFeatures', 'setMicrophone', 'markTokenInvalid'];
/** Rows kept, at most: the staff members and phones of a large team, far below its memory. */
const MAX_ENTRIES = 10_000;

/**
 * A single server's staff and phones, read once and then kept: on a single server this process is
 * the only writer of these tables (the `agents` CLI, which may run beside it, writes agents only),
 * so its own writes are all that can change them. A placement read the staff member and their
 * phones, and a cancel its phone, each a round trip (bench/README.md).
 *
 * Kept exact by distrust: every method of the two stores that is not one of the reads above counts
 * as a write (a method added later too), and a write empties both caches when it starts and again
 * when it ends (removing a staff member removes their phones, a token moving changes two phones);
 * the writes of one phone's own columns forget that phone only, wherever it is kept.
 * A read stores what it got only if no write started or ended while it ran. Rows are frozen: a
 * caller that changed one would change every later reader's copy.
 *
 * Never for a cluster node: other nodes write these tables (app.ts wires it for a single server).
 * Installed on the storage object itself, so that whoever else holds it in this process (a tool,
 * a test seeding rows, a server started again on it) writes through the same caches.
 */
export function keepOwnRows(storage: Storage): void {
  if (keeping.has(storage)) return;
  keeping.add(storage);
  let generation = 0;
  let writing = 0;
  const caches = { staff: new Map<string, unknown>(), devices: new Map<string, unknown>() };
  const forget = (deviceId?: unknown) => {
    generation++;
    if (typeof deviceId !== 'string') {
      caches.staff.clear();
      caches.devices.clear();
      return;
    }
    for (const [key, kept] of caches.devices) {
      const rows = (Array.isArray(kept) ? kept : [kept]) as ({ id: string } | null)[];
      if (rows.some((row) => row?.id === deviceId) || key === `get:${deviceId}`) caches.devices.delete(key);
    }
  };

  const wrap = <S extends object>(name: 'staff' | 'devices', store: S): S => {
    const cache = caches[name];
    const remember = (id: string, value: unknown) => {
      if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
      cache.set(id, value);
    };
    const out: Record<string, unknown> = {};
    for (const [method, value] of Object.entries(store)) {
      if (typeof value !== 'function') {
        out[method] = value;
        continue;
      }
      const call = value.bind(store) as (...a: unknown[]) => Promise<unknown>;
      const single = (ASSEMBLED[name] as Record<string, string>)[method];
      if ((PASSED[name] as readonly string[]).includes(method)) {
        out[method] = call;
      } else if (single !== undefined) {
        out[method] = async (keys: readonly string[]) => {
          // What is kept is taken now: a write during the read below may empty the cache.
          const got = new Map<string, unknown>();
          for (const key of keys) {
            const id = `${single}:${key}`;
            if (cache.has(id)) got.set(key, cache.get(id));
          }
          const missing = keys.filter((key) => !got.has(key));
          if (missing.length > 0) {
            const seen = generation;
            const read = (await call(missing)) as Row[];
            const kept = seen === generation && writing === 0;
            // `get` answers a row or null, `listByStaff` the staff member's phones in their order.
            const byKey = new Map<string, Row[]>(missing.map((key) => [key, []]));
            for (const row of read) byKey.get((name === 'staff' ? row.id : row.staffId) ?? '')?.push(row);
            for (const [key, rows] of byKey) {
              const value = deepFreeze(name === 'staff' ? (rows[0] ?? null) : rows);
              got.set(key, value);
              if (kept) remember(`${single}:${key}`, value);
            }
          }
          const rows = keys.flatMap((key) => (got.get(key) ?? []) as Row | Row[]);
          // As the database orders them: a staff member's phones by pairing, then id (devices.ts).
          return name === 'staff' ? rows : rows.sort(byPairing);
        };
      } else if ((CACHED[name] as readonly string[]).includes(method)) {
        out[method] = async (key: string) => {
          const id = `${method}:${key}`;
          if (cache.has(id)) return cache.get(id);
          const seen = generation;
          const row = deepFreeze(await call(key));
          if (seen === generation && writing === 0) remember(id, row);
          return row;
        };
      } else {
        const one = name === 'devices' && OF_ONE_DEVICE.includes(method);
        out[method] = async (...a: unknown[]) => {
          writing++;
          forget(one ? a[0] : undefined);
          try {
            return await call(...a);
          } finally {
            writing--;
            forget(one ? a[0] : undefined);
          }
        };
      }
    }
    return out as S;
  };

  storage.staff = wrap<StaffStore>('staff', storage.staff);
  storage.devices = wrap<DeviceStore>('devices', storage.devices);
  // Callbacks are this process's alone too: which staff members have one open (open-callbacks.ts).
  keepOpenCallbacks(storage);
}

const keeping = new WeakSet<Storage>();

type Row = { id: string; staffId?: string; pairedAt?: number };
const byPairing = (a: Row, b: Row) =>
  (a.pairedAt ?? 0) - (b.pairedAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Frozen all the way down: rows handed to many readers, none of whom may change another's. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
