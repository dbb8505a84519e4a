import type { Kysely, Selectable } from 'kysely';
import { guarded } from './errors';
import type { Database, StaffTable } from './schema';
import type { StaffRow, StaffStore } from './types';

/** Mobile staff. Removing one removes their phones and open pairing codes too. */
export function staffStore(db: Kysely<Database>): StaffStore {
  const store: StaffStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('staff')
            .values({ id: row.id, name: row.name, handle: row.handle, created_at: row.createdAt })
            .execute(),
        { unique: `a staff member with id ${row.id} already exists` },
      );
    },
    async update(id, patch) {
      const set: { name?: string; handle?: string | null; fallback_staff_id?: string | null } = {};
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.handle !== undefined) set.handle = patch.handle;
      if (patch.fallbackStaffId !== undefined) set.fallback_staff_id = patch.fallbackStaffId;
      if (Object.keys(set).length === 0) return store.get(id);
      let row: Selectable<StaffTable> | undefined;
      await guarded(
        async () => {
          row = await db.updateTable('staff').set(set).where('id', '=', id).returningAll().executeTakeFirst();
        },
        { unique: 'conflict', foreignKey: 'the fallback is not a staff member (removed meanwhile?)' },
      );
      return row ? toStaff(row) : null;
    },
    async remove(id) {
      // The foreign keys cascade too; deleting explicitly keeps this true whatever the pragmas say.
      return db.transaction().execute(async (tx) => {
        await tx.deleteFrom('pairing_codes').where('staff_id', '=', id).execute();
        await tx.deleteFrom('devices').where('staff_id', '=', id).execute();
        const result = await tx.deleteFrom('staff').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
    async get(id) {
      const row = await db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toStaff(row) : null;
    },
    async getMany(ids) {
      if (ids.length === 0) return [];
      const rows = await db.selectFrom('staff').selectAll().where('id', 'in', ids).execute();
      return rows.map(toStaff);
    },
    async list() {
      const rows = await db.selectFrom('staff').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toStaff);
    },
  };
  return store;
}

const toStaff = (r: Selectable<StaffTable>): StaffRow => ({
  id: r.id,
  name: r.name,
  handle: r.handle,
  createdAt: r.created_at,
  fallbackStaffId: r.fallback_staff_id ?? null,
});
