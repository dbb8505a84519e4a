import type { Insertable, Kysely } from 'kysely';
import { type Call, QUALITY_MARKS, type QualityMark } from '#shared';
import { decodeCursor, encodeCursor } from './cursor';
import { precompiled } from './precompiled';
import type { CallsTable, Database } from './schema';
import type { CallStore } from './types';

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
      let q = db.selectFrom('calls').select(['id', 'created_at', 'doc']);
      if (filter.staffId != null) q = q.where('staff_id', '=', filter.staffId);
      if (filter.direction != null) q = q.where('direction', '=', filter.direction);
      if (filter.outcome != null) q = q.where('end_reason', '=', filter.outcome);
      if (filter.from != null) q = q.where('created_at', '>=', filter.from);
      if (filter.to != null) q = q.where('created_at', '<', filter.to);
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
            eb('created_at', '<', position.createdAt),
            eb.and([eb('created_at', '=', position.createdAt), eb('id', '<', position.id)]),
          ]),
        );
      }
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .execute();
      const more = rows.length > limit;
      const pageRows = more ? rows.slice(0, limit) : rows;
      const last = pageRows.at(-1);
      return {
        calls: pageRows.map((r) => toCall(r.doc)),
        nextCursor: more && last ? encodeCursor({ createdAt: last.created_at, id: last.id }) : null,
      };
    },
  };
}

const toCall = (doc: string): Call => JSON.parse(doc) as Call;
