import type { Insertable, Kysely } from 'kysely';
import { type Call, QUALITY_MARKS, type QualityMark } from '#shared';
import { decodeCursor, encodeCursor } from './cursor';
import { precompiled } from './precompiled';
import type { CallsTable, Database } from './schema';
import type { CallStore } from './types';
import { toWrapUp } from './wrapups';

const COLUMNS = [
  'id',
  'staff_id',
  'agent_id',
  'direction',
  'state',
  'end_reason',
  'created_at',
  'doc',
] as const;

/**
 * Calls, each kept whole as a JSON document next to the columns history filters on. History pages
 * newest first, by (created_at, id), through an opaque cursor.
 */
export function callStore(db: Kysely<Database>): CallStore {
  // Every change of a call writes it, and the call path reads it: compiled once (precompiled.ts).
  // The update takes the inserted row's values (`excluded`), so the document is sent once, not twice.
  const upsert = precompiled(db, COLUMNS, (p) =>
    db
      .insertInto('calls')
      .values(p as unknown as Insertable<CallsTable>)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          staff_id: eb.ref('excluded.staff_id'),
          agent_id: eb.ref('excluded.agent_id'),
          direction: eb.ref('excluded.direction'),
          state: eb.ref('excluded.state'),
          end_reason: eb.ref('excluded.end_reason'),
          created_at: eb.ref('excluded.created_at'),
          doc: eb.ref('excluded.doc'),
        })),
      ),
  );
  const byId = precompiled(db, ['id'], (p) => db.selectFrom('calls').select('doc').where('id', '=', p.id));
  return {
    async save(call) {
      await upsert({
        id: call.id,
        staff_id: call.staffId,
        agent_id: call.agentId,
        direction: call.direction,
        state: call.state,
        end_reason: call.endReason,
        created_at: call.createdAt,
        doc: JSON.stringify(call),
      });
    },
    async get(id) {
      const row = (await byId({ id })).rows[0];
      return row ? toCall(row.doc) : null;
    },
    async listLive() {
      const rows = await db
        .selectFrom('calls')
        .select('doc')
        .where('state', '!=', 'ended')
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => toCall(r.doc));
    },
    async query(filter, page) {
      const position = page.cursor != null ? decodeCursor(page.cursor) : null;
      const limit = page.limit;
      if (!Number.isSafeInteger(limit) || limit < 1) {
        throw new RangeError(`the history page limit must be a positive integer, not ${limit}`);
      }
      // A call's note and disposition live apart from its document (wrapups.ts); history joins them.
      let q = db
        .selectFrom('calls')
        .leftJoin('call_wrapups as w', 'w.call_id', 'calls.id')
        .select([
          'calls.id',
          'calls.created_at',
          'calls.doc',
          'w.agent_id as w_agent_id',
          'w.note as w_note',
          'w.disposition_id as w_disposition_id',
          'w.disposition_name as w_disposition_name',
          'w.updated_at as w_updated_at',
        ]);
      if (filter.staffId != null) q = q.where('calls.staff_id', '=', filter.staffId);
      if (filter.direction != null) q = q.where('calls.direction', '=', filter.direction);
      if (filter.outcome != null) q = q.where('calls.end_reason', '=', filter.outcome);
      if (filter.from != null) q = q.where('calls.created_at', '>=', filter.from);
      if (filter.to != null) q = q.where('calls.created_at', '<', filter.to);
      if (filter.dispositionId != null) q = q.where('w.disposition_id', '=', filter.dispositionId);
      if (filter.quality != null) {
        // The call's mark is its worse end's: one report so marked, and none worse.
        const worse = QUALITY_MARKS.slice(QUALITY_MARKS.indexOf(filter.quality) + 1);
        const mark = filter.quality;
        q = q.where((eb) => {
          const reports = (marks: QualityMark[]) =>
            eb
              .selectFrom('call_quality')
              .select('call_quality.call_id')
              .whereRef('call_quality.call_id', '=', 'calls.id')
              .where('call_quality.mark', 'in', marks);
          const marked = eb.exists(reports([mark]));
          return worse.length > 0 ? eb.and([marked, eb.not(eb.exists(reports(worse)))]) : marked;
        });
      }
      if (position) {
        q = q.where((eb) =>
          eb.or([
            eb('calls.created_at', '<', position.createdAt),
            eb.and([eb('calls.created_at', '=', position.createdAt), eb('calls.id', '<', position.id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('calls.created_at', 'desc')
        .orderBy('calls.id', 'desc')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const pageRows = more ? rows.slice(0, limit) : rows;
      const last = pageRows.at(-1);
      return {
        calls: pageRows.map((r) => ({
          ...toCall(r.doc),
          wrapUp:
            r.w_agent_id === null
              ? null
              : toWrapUp({
                  agent_id: r.w_agent_id,
                  note: r.w_note ?? '',
                  disposition_id: r.w_disposition_id,
                  disposition_name: r.w_disposition_name,
                  updated_at: r.w_updated_at ?? 0,
                }),
        })),
        nextCursor: more && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
      };
    },
  };
}

const toCall = (doc: string): Call => JSON.parse(doc) as Call;
