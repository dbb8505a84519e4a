import type { Insertable, Kysely, Selectable } from 'kysely';
import {
  type ApnsEnvironment,
  DEVICE_FEATURES,
  type DeviceFeature,
  type MicrophonePermission,
} from '#shared';
import { guarded } from './errors';
import type { Database, DevicesTable } from './schema';
import type { DeviceRow, DeviceStore, NewDeviceRow } from './types';

/** Paired phones and their VoIP tokens; a token APNs refused is marked, never silently dropped. */
export function deviceStore(db: Kysely<Database>): DeviceStore {
  const store: DeviceStore = {
    async create(row) {
      await guarded(() => db.insertInto('devices').values(toColumns(row)).execute(), {
        unique: `a device with id ${row.id} already exists`,
        foreignKey: `there is no staff member ${row.staffId}`,
      });
    },
    async get(id) {
      const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toDevice(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('devices').selectAll().orderBy('paired_at').orderBy('id').execute();
      return rows.map(toDevice);
    },
    async listByStaff(staffId) {
      const rows = await db
        .selectFrom('devices')
        .selectAll()
        .where('staff_id', '=', staffId)
        .orderBy('paired_at')
        .orderBy('id')
        .execute();
      return rows.map(toDevice);
    },
    async listByStaffIds(staffIds) {
      if (staffIds.length === 0) return [];
      const rows = await db
        .selectFrom('devices')
        .selectAll()
        .where('staff_id', 'in', staffIds)
        .orderBy('paired_at')
        .orderBy('id')
        .execute();
      return rows.map(toDevice);
    },
    async updateToken(id, update) {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('devices')
          .set({
            voip_token: update.voipToken,
            apns_environment: update.apnsEnvironment,
            app_version: update.appVersion,
            os_version: update.osVersion,
            token_updated_at: update.at,
            token_invalid_at: null,
            token_invalid_reason: null,
            token_moved_to_id: null,
            token_moved_to_name: null,
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row) return null;
        // The phone was paired again (a new record) or its token was recycled: one record per
        // token, or the phone rings twice for one call and the old record looks reachable.
        const moved = await tx
          .updateTable('devices')
          .set({
            voip_token: null,
            token_updated_at: update.at,
            token_invalid_at: null,
            token_invalid_reason: null,
            token_moved_to_id: row.id,
            token_moved_to_name: row.name,
          })
          .where('voip_token', '=', update.voipToken)
          .where('id', '!=', id)
          .returningAll()
          .execute();
        return { device: toDevice(row), moved: moved.map(toDevice) };
      });
    },
    async setMicrophone(id, microphone) {
      const row = await db
        .updateTable('devices')
        .set({ microphone })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row ? toDevice(row) : null;
    },
    async markTokenInvalid(id, token, reason, at) {
      // One statement: the token comparison and the write cannot be split by a concurrent update.
      // A token already marked invalid is not marked again (nothing changes, so null).
      const row = await db
        .updateTable('devices')
        .set({ token_invalid_at: at, token_invalid_reason: reason })
        .where('id', '=', id)
        .where('voip_token', '=', token)
        .where('token_invalid_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return row ? toDevice(row) : null;
    },
    async touch(id, at) {
      await db.updateTable('devices').set({ last_seen_at: at }).where('id', '=', id).execute();
    },
    async setFeatures(id, features) {
      await db
        .updateTable('devices')
        .set({ features: features.join(',') })
        .where('id', '=', id)
        .execute();
    },
    async remove(id) {
      const result = await db.deleteFrom('devices').where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    },
  };
  return store;
}

const toColumns = (row: NewDeviceRow): Insertable<DevicesTable> => ({
  id: row.id,
  staff_id: row.staffId,
  secret_hash: row.secretHash,
  name: row.name,
  model: row.model,
  os_version: row.osVersion,
  app_version: row.appVersion,
  bundle_id: row.bundleId,
  apns_environment: row.apnsEnvironment,
  voip_token: row.voipToken,
  token_updated_at: row.tokenUpdatedAt,
  token_invalid_at: row.tokenInvalidAt,
  token_invalid_reason: row.tokenInvalidReason,
  paired_at: row.pairedAt,
  last_seen_at: row.lastSeenAt,
  microphone: null,
  token_moved_to_id: null,
  token_moved_to_name: null,
  features: null,
});

const toDevice = (r: Selectable<DevicesTable>): DeviceRow => ({
  id: r.id,
  staffId: r.staff_id,
  secretHash: r.secret_hash,
  name: r.name,
  model: r.model,
  osVersion: r.os_version,
  appVersion: r.app_version,
  bundleId: r.bundle_id,
  apnsEnvironment: r.apns_environment as ApnsEnvironment,
  voipToken: r.voip_token,
  tokenUpdatedAt: r.token_updated_at,
  tokenInvalidAt: r.token_invalid_at,
  tokenInvalidReason: r.token_invalid_reason,
  pairedAt: r.paired_at,
  lastSeenAt: r.last_seen_at,
  microphone: r.microphone as MicrophonePermission | null,
  tokenMovedTo:
    r.token_moved_to_id !== null
      ? { deviceId: r.token_moved_to_id, name: r.token_moved_to_name ?? '' }
      : null,
  features: r.features === null ? null : featuresOf(r.features),
});

// A value this server does not know (written by a newer one) is left out, not passed on.
const featuresOf = (column: string): DeviceFeature[] =>
  column.split(',').filter((f): f is DeviceFeature => (DEVICE_FEATURES as readonly string[]).includes(f));
