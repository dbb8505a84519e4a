import type { Kysely } from 'kysely';
import { VIDEO_KBPS } from '#shared';
import type { Database } from './schema';
import type { VideoStore } from './types';

/**
 * The team's video settings (one row, absent until an admin first changes them) and the calls'
 * snapshots. Snapshots live in the database, not as files under the data folder: a team's nodes
 * share PostgreSQL but no disk, so any node serves any snapshot, and a backup of the database is a
 * backup of the calls with their pictures. `bytea` is BLOB storage on both engines (SQLite keeps a
 * bound Buffer as a BLOB whatever the column's declared type).
 */
export function videoStore(db: Kysely<Database>): VideoStore {
  return {
    async settings() {
      const row = await db.selectFrom('video_settings').selectAll().where('id', '=', 1).executeTakeFirst();
      return row
        ? { snapshots: row.snapshots === 1, maxKbps: row.max_kbps }
        : { snapshots: true, maxKbps: VIDEO_KBPS.default };
    },
    async setSettings(s, at) {
      const columns = { snapshots: s.snapshots ? 1 : 0, max_kbps: s.maxKbps, updated_at: at };
      await db
        .insertInto('video_settings')
        .values({ id: 1, ...columns })
        .onConflict((oc) => oc.column('id').doUpdateSet(columns))
        .execute();
    },
    async addSnapshot(s, jpeg) {
      await db
        .insertInto('call_snapshots')
        .values({
          id: s.id,
          call_id: s.callId,
          agent_id: s.agentId,
          taken_at: s.takenAt,
          width: s.width,
          height: s.height,
          bytes: s.bytes,
          jpeg,
        })
        .execute();
    },
    async snapshots(callId) {
      const rows = await db
        .selectFrom('call_snapshots')
        .select(['id', 'call_id', 'agent_id', 'taken_at', 'width', 'height', 'bytes'])
        .where('call_id', '=', callId)
        .orderBy('taken_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => ({
        id: r.id,
        callId: r.call_id,
        agentId: r.agent_id,
        takenAt: Number(r.taken_at),
        width: r.width,
        height: r.height,
        bytes: r.bytes,
      }));
    },
    async snapshotImage(id) {
      const row = await db
        .selectFrom('call_snapshots')
        .select(['call_id', 'jpeg'])
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? { callId: row.call_id, jpeg: Buffer.from(row.jpeg) } : null;
    },
  };
}
