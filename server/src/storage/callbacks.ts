import { type Kysely, type Selectable, sql } from 'kysely';
import type { Callback } from '#shared';
import type { CallbacksTable, Database } from './schema';
import type { CallbackStore } from './types';

/**
 * The callbacks queue (issue 24 item 4). Every change is one conditional statement, so two
 * agents (or two cluster nodes) claiming, closing or queueing at once cannot both win: the
 * database decides, and the loser finds the row already changed.
 */
export function callbackStore(db: Kysely<Database>): CallbackStore {
  const byId = async (id: string) => {
    const row = await db.selectFrom('callbacks').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toCallback(row) : null;
  };
  const changed = async (id: string, numUpdatedRows: bigint) => (numUpdatedRows > 0n ? byId(id) : null);
  return {
    async open() {
      const rows = await db
        .selectFrom('callbacks')
        .selectAll()
        .where('state', '=', 'open')
        .orderBy('first_call_at')
        .orderBy('id')
        .execute();
      return rows.map(toCallback);
    },
    async all() {
      const rows = await db
        .selectFrom('callbacks')
        .selectAll()
        .orderBy('first_call_at')
        .orderBy('id')
        .execute();
      return rows.map(toCallback);
    },
    get: byId,
    async missed({ id, staffId, staffName, callId, at }) {
      // One open callback per staff member (a partial unique index): calling again counts another
      // missed call on it; the same call twice (a replay after a crash) counts once.
      await db
        .insertInto('callbacks')
        .values({
          id,
          staff_id: staffId,
          staff_name: staffName,
          state: 'open',
          missed_calls: 1,
          first_call_at: at,
          last_call_at: at,
          last_call_id: callId,
          attempts: 0,
          last_attempt_at: null,
          claimed_by: null,
          claimed_by_name: null,
          claimed_at: null,
          closed_at: null,
          closed_by: null,
          close_reason: null,
        })
        .onConflict((oc) =>
          oc
            .column('staff_id')
            // The partial index's own predicate, as a literal: SQLite matches the two as written.
            .where('state', '=', sql.lit('open'))
            .doUpdateSet({
              missed_calls: sql`callbacks.missed_calls + 1`,
              last_call_at: at,
              last_call_id: callId,
              staff_name: staffName,
            })
            .where('callbacks.last_call_id', '<>', callId),
        )
        .execute();
      const row = await db
        .selectFrom('callbacks')
        .selectAll()
        .where('staff_id', '=', staffId)
        .where('state', '=', 'open')
        .executeTakeFirst();
      return row && row.last_call_id === callId ? toCallback(row) : null;
    },
    async claim(id, agent, at) {
      const r = await db
        .updateTable('callbacks')
        .set({ claimed_by: agent.id, claimed_by_name: agent.name, claimed_at: at })
        .where('id', '=', id)
        .where('state', '=', 'open')
        .where('claimed_by', 'is', null)
        .executeTakeFirst();
      return changed(id, r.numUpdatedRows);
    },
    async release(id, claimedBy) {
      const r = await db
        .updateTable('callbacks')
        .set({ claimed_by: null, claimed_by_name: null, claimed_at: null })
        .where('id', '=', id)
        .where('state', '=', 'open')
        .where('claimed_by', '=', claimedBy)
        .executeTakeFirst();
      return changed(id, r.numUpdatedRows);
    },
    async attempted(id, claimedBy, at) {
      const r = await db
        .updateTable('callbacks')
        .set({ attempts: sql`attempts + 1`, last_attempt_at: at })
        .where('id', '=', id)
        .where('state', '=', 'open')
        .where('claimed_by', '=', claimedBy)
        .executeTakeFirst();
      return changed(id, r.numUpdatedRows);
    },
    async close(id, { by, reason, at, claimedBy }) {
      let q = db
        .updateTable('callbacks')
        .set({ state: 'closed', closed_at: at, closed_by: by, close_reason: reason })
        .where('id', '=', id)
        .where('state', '=', 'open');
      if (claimedBy !== undefined) {
        q = claimedBy === null ? q.where('claimed_by', 'is', null) : q.where('claimed_by', '=', claimedBy);
      }
      const r = await q.executeTakeFirst();
      return changed(id, r.numUpdatedRows);
    },
    async answered(staffId, agentId, at, reason, claimedOnly = true) {
      let open = db
        .selectFrom('callbacks')
        .select(['id', 'claimed_by'])
        .where('staff_id', '=', staffId)
        .where('state', '=', 'open');
      if (claimedOnly) open = open.where('claimed_by', '=', agentId);
      const found = await open.executeTakeFirst();
      if (!found) return null;
      // Conditional on the claim as read: a claim or release meanwhile makes this a no-op.
      const r = await db
        .updateTable('callbacks')
        .set({ state: 'closed', closed_at: at, closed_by: agentId, close_reason: reason })
        .where('id', '=', found.id)
        .where('state', '=', 'open')
        .where('claimed_by', found.claimed_by === null ? 'is' : '=', found.claimed_by)
        .executeTakeFirst();
      return changed(found.id, r.numUpdatedRows);
    },
  };
}

function toCallback(r: Selectable<CallbacksTable>): Callback {
  const ms = (v: number | string | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    staffId: r.staff_id,
    staffName: r.staff_name,
    state: r.state === 'closed' ? 'closed' : 'open',
    missedCalls: Number(r.missed_calls),
    firstCallAt: Number(r.first_call_at),
    lastCallAt: Number(r.last_call_at),
    lastCallId: r.last_call_id,
    attempts: Number(r.attempts),
    lastAttemptAt: ms(r.last_attempt_at),
    claimedBy: r.claimed_by,
    claimedByName: r.claimed_by_name,
    claimedAt: ms(r.claimed_at),
    closedAt: ms(r.closed_at),
    closedBy: r.closed_by,
    closeReason: r.close_reason,
  };
}
