import { CompiledQuery, type Insertable, type Kysely, sql } from 'kysely';
import { type Call, QUALITY_MARKS, type QualityMark } from '#shared';
import { jsonOnce } from '../json-once';
import { decodeCursor, encodeCursor } from './cursor';
import { groupCommit } from './group-commit';
import { pgLiteral, pgValue } from './literal';
import { precompiled } from './precompiled';
import type { CallsTable, Database } from './schema';
import type { CallStore, Statement } from './types';
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
export function callStore(db: Kysely<Database>, engine: 'sqlite' | 'postgres'): CallStore {
  const grouped = groupCommit(callsWrite(db), BATCH_ROWS);
  const byId = precompiled(db, ['id'], (p) => db.selectFrom('calls').select('doc').where('id', '=', p.id));
  return {
    // `through`: a cluster node's lock stores it with its release (cluster/lock.ts `persist`).
    save: (call, through) => (through ? through(call) : grouped({ call, before: [] })),
    ...(engine === 'postgres' ? { saveWith: (call, before) => grouped({ call, before }) } : {}),
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
    async listLiveMentioning(text) {
      const rows = await db
        .selectFrom('calls')
        .select('doc')
        .where('state', '!=', 'ended')
        .where('doc', 'like', `%${text}%`)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return rows.map((r) => toCall(r.doc));
    },
    async listLiveDue(now) {
      // Deadlines are whole milliseconds: a clock's fraction past one changes nothing.
      const at = Math.floor(now);
      const { rows } = await sql<{ doc: string }>`select doc from calls
        where state != 'ended' and (${dueWhere(engine, at)}) order by created_at, id`.execute(db);
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

/**
 * A live call's deadlines, read from its document (the columns do not hold them): unanswered past
 * its ring deadline, or its last transfer ringing past its ring time (shared `liveTransfer`).
 */
function dueWhere(engine: 'sqlite' | 'postgres', now: number) {
  if (engine === 'postgres') {
    return sql`((doc::jsonb->>'answeredAt') is null and (doc::jsonb->>'ringUntil')::numeric <= ${now})
      or ((doc::jsonb->'transfers'->-1->>'state') = 'ringing'
        and (doc::jsonb->'transfers'->-1->>'ringUntil')::numeric <= ${now})`;
  }
  return sql`(json_extract(doc, '$.answeredAt') is null and json_extract(doc, '$.ringUntil') <= ${now})
    or (json_extract(doc, '$.transfers[#-1].state') = 'ringing'
      and json_extract(doc, '$.transfers[#-1].ringUntil') <= ${now})`;
}

/** The most calls one statement writes: 8 parameters each, far below both engines' limits. */
const BATCH_ROWS = 32;

/** A call to store, or none, and what is written before it in the same transaction (`saveWith`). */
type Pending = { call: Call | null; before: Statement[] };

/**
 * A group commit's batch: its calls in one multi-row upsert with parameters; or, when a caller
 * gave statements to write with its call (`saveWith`, PostgreSQL), those and then the upsert
 * written out with their values in one simple-protocol query, which PostgreSQL runs as one
 * transaction: one round trip for all of them.
 */
function callsWrite(db: Kysely<Database>): (items: Pending[]) => Promise<void> {
  const upsert = callsUpsert(db);
  return async (items) => {
    const calls = items.flatMap((i) => (i.call ? [i.call] : []));
    const before = items.flatMap((i) => i.before);
    if (before.length === 0) return upsert(calls);
    const statements = before.map((write) => write(pgLiteral));
    if (calls.length > 0) statements.push(callsUpsertText([...latest(calls).values()], pgLiteral));
    await db.executeQuery(CompiledQuery.raw(statements.join('; '), []));
  };
}

/** The last version of each call, in the order they first came (an upsert may touch a row once). */
const latest = (calls: Call[]) => new Map(calls.map((c) => [c.id, c]));

/**
 * Writes calls in one statement, a multi-row upsert (group-commit.ts brings the calls that
 * changed while the previous write was under way). Every change of a call writes it, so the SQL
 * of each batch size is compiled once: Kysely builds and compiles a query anew each time it runs
 * (bench/README.md). The update takes the inserted row's values (`excluded`), so each document is
 * sent once. An upsert may touch a row once: a call twice in a batch (which its queue makes
 * impossible on one server) is written in its last version, both callers resolved by it.
 */
function callsUpsert(db: Kysely<Database>): (calls: Call[]) => Promise<void> {
  const plans = new Map<number, string>();
  const planFor = (rows: number) => {
    let sql = plans.get(rows);
    if (sql !== undefined) return sql;
    const marks = Array.from({ length: rows }, (_, r) =>
      Object.fromEntries(COLUMNS.map((c, i) => [c, `\u0000${r * COLUMNS.length + i}\u0000`])),
    );
    const compiled = db
      .insertInto('calls')
      .values(marks as unknown as Insertable<CallsTable>[])
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
      )
      .compile();
    // The values go in the order they were marked: check that Kysely kept it, one parameter each.
    compiled.parameters.forEach((p, i) => {
      if (p !== `\u0000${i}\u0000`) throw new Error(`calls upsert: parameter ${i} is ${String(p)}`);
    });
    if (compiled.parameters.length !== rows * COLUMNS.length)
      throw new Error('calls upsert: parameters missing');
    sql = compiled.sql;
    plans.set(rows, sql);
    return sql;
  };
  return async (calls) => {
    if (calls.length === 0) return;
    const last = latest(calls);
    const values: unknown[] = [];
    for (const call of last.values()) values.push(...callRow(call));
    await db.executeQuery(CompiledQuery.raw(planFor(last.size), values));
  };
}

/** A call's row, in the order of COLUMNS. */
const callRow = (call: Call) =>
  [
    call.id,
    call.staffId,
    call.agentId,
    call.direction,
    call.state,
    call.endReason,
    call.createdAt,
    // Made once: the frames that carry this version take it too (gateways/encoder.ts).
    jsonOnce(call),
  ] as const;

/**
 * The upsert of one call as PostgreSQL text with its values written in as literals, for a query of
 * several statements (the simple protocol takes no parameters): a cluster node stores a call's
 * change and ends its lock's transaction in one round trip (cluster/lock.ts). The same statement
 * as `callsUpsert`'s, on PostgreSQL only.
 */
export function callUpsertText(call: Call, literal: (s: string) => string): string {
  return callsUpsertText([call], literal);
}

/** `callUpsertText` of several calls (each once) in one statement. */
function callsUpsertText(calls: Call[], literal: (s: string) => string): string {
  const rows = calls.map((call) => {
    const values = callRow(call).map((v) => {
      if (typeof v === 'number' && !Number.isSafeInteger(v)) {
        throw new RangeError(`calls upsert: ${v} is not an integer`);
      }
      return pgValue(v, literal);
    });
    return `(${values.join(', ')})`;
  });
  return `insert into calls (${COLUMNS.join(', ')}) values ${rows.join(', ')} on conflict (id) do update set ${UPSERT_SET}`;
}

const UPSERT_SET = COLUMNS.filter((c) => c !== 'id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');
