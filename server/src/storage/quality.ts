import type { Kysely } from 'kysely';
import type { QualitySummary } from '#shared';
import type { QualityStore } from './quality-types';
import type { CallQualityTable, Database } from './schema';

/**
 * Call quality reports, one row per call and reporting party (issue 25 item 8), beside the calls
 * rather than in their documents: an end reports after the call ended, and the call's own writes
 * (under its lock) never have to wait for or merge these.
 */
export function qualityStore(db: Kysely<Database>): QualityStore {
  return {
    async save(row) {
      const columns = {
        side: row.side,
        device_id: row.deviceId,
        call_created_at: row.callCreatedAt,
        at: row.at,
        mark: row.mark,
        mos: row.mos,
        doc: JSON.stringify(row.summary),
      };
      await db
        .insertInto('call_quality')
        .values({ call_id: row.callId, party_id: row.partyId, ...columns })
        .onConflict((oc) => oc.columns(['call_id', 'party_id']).doUpdateSet(columns))
        .execute();
    },
    async forCalls(callIds) {
      if (callIds.length === 0) return [];
      const rows = await db.selectFrom('call_quality').selectAll().where('call_id', 'in', callIds).execute();
      return rows.map(toRow);
    },
    async forDevice(deviceId, from) {
      const rows = await db
        .selectFrom('call_quality')
        .selectAll()
        .where('device_id', '=', deviceId)
        .where('call_created_at', '>=', from)
        .orderBy('call_created_at')
        .execute();
      return rows.map(toRow);
    },
  };
}

function toRow(r: CallQualityTable) {
  return {
    callId: r.call_id,
    partyId: r.party_id,
    side: r.side,
    deviceId: r.device_id,
    callCreatedAt: r.call_created_at,
    at: r.at,
    mark: r.mark,
    mos: r.mos,
    summary: JSON.parse(r.doc) as QualitySummary,
  };
}
