import type { HeldRows } from '../calls/ports';
import { deepFreeze } from '../storage/own-rows';
import type { Storage } from '../storage/types';

/** The tables a cluster node keeps rows of, each with its version (migration 0014). */
const TABLES = ['staff', 'devices', 'callbacks'] as const;
type Table = (typeof TABLES)[number];

/** Each kept table's version, as read with a lock (PostgreSQL's bigint, as pg gives it: a string). */
export type TableVersions = Readonly<Record<Table, string>>;

/** What a lock's round trip adds to read the versions (cluster/lock.ts). */
export const VERSIONS_STATEMENT = 'select name, version from table_versions';

/** Rows kept per table, at most: the staff members and phones of a large team, far below its memory. */
const MAX_ENTRIES = 10_000;

/** One table's rows, all read while its version was `at`. */
interface Kept {
  at: bigint;
  rows: Map<string, unknown>;
}

/**
 * A cluster node's staff members, phones and open callbacks, kept exact by the tables' versions
 * instead of by owning the writes (a single server's own-rows.ts and open-callbacks.ts: other
 * nodes and tools write these tables here). Every write to one of them bumps its version in the
 * write's transaction (migration 0014), and a node reads the versions with the lock each party's
 * task takes first (lock.ts): a write acknowledged anywhere before that lock was granted has
 * bumped them by then. So a read of the task answered from rows read at the version its lock
 * read is the database as it stood at the lock: what the task would have read itself, or newer.
 * No Redis message tells a node of a change, and none can arrive after the next request does.
 *
 * Rows read are kept only under the version the reading task's lock read (never a later one it
 * learns meanwhile: what it read may be older than that), and a task that read an older version
 * than the rows kept reads the database. Reads outside a party's lock (the roster, ring health,
 * pairing, the HTTP API) have no versions and go to the database (the storage, as before).
 */
export class SharedRows {
  private readonly kept: Record<Table, Kept> = {
    staff: { at: -1n, rows: new Map() },
    devices: { at: -1n, rows: new Map() },
    callbacks: { at: -1n, rows: new Map() },
  };

  constructor(private readonly storage: Pick<Storage, 'staff' | 'devices' | 'callbacks'>) {}

  /** The versions in a lock's round trip's answer to VERSIONS_STATEMENT; null if one is missing. */
  static versions(rows: { name?: unknown; version?: unknown }[]): TableVersions | null {
    const found = new Map(rows.map((r) => [String(r.name), String(r.version)]));
    return TABLES.every((t) => found.has(t))
      ? { staff: found.get('staff')!, devices: found.get('devices')!, callbacks: found.get('callbacks')! }
      : null;
  }

  /**
   * The cached reads of a task whose lock read `versions`. `beforeWrite` runs before the one write
   * they make (closing an answered call's callback): the hold's `needLock`.
   */
  at(versions: TableVersions, beforeWrite: () => Promise<void> = async () => undefined): HeldRows {
    const { staff, devices, callbacks } = this.storage;
    return {
      staff: { get: (id) => this.read('staff', versions, `get:${id}`, () => staff.get(id)) },
      devices: {
        get: (id) => this.read('devices', versions, `get:${id}`, () => devices.get(id)),
        listByStaff: (staffId) =>
          this.read('devices', versions, `staff:${staffId}`, () => devices.listByStaff(staffId)),
      },
      callbacks: {
        answered: async (staffId, ...rest) => {
          // Almost every answer finds no callback open: known from memory, that is no statement.
          const open = await this.read('callbacks', versions, 'open', async () => {
            const rows = await callbacks.open();
            return new Set(rows.map((c) => c.staffId));
          });
          if (!open.has(staffId)) return null;
          await beforeWrite();
          return callbacks.answered(staffId, ...rest);
        },
      },
    };
  }

  private async read<T>(
    table: Table,
    versions: TableVersions,
    key: string,
    load: () => Promise<T>,
  ): Promise<T> {
    const at = BigInt(versions[table]);
    const kept = this.kept[table];
    if (at > kept.at) this.kept[table] = { at, rows: new Map() };
    else if (at < kept.at) return load();
    const rows = this.kept[table].rows;
    if (rows.has(key)) return rows.get(key) as T;
    const row = deepFreeze(await load());
    // Kept only if no task has since seen a newer version: the rows read may predate it.
    if (this.kept[table].rows === rows) {
      if (rows.size >= MAX_ENTRIES) rows.delete(rows.keys().next().value as string);
      rows.set(key, row);
    }
    return row;
  }
}
