import type { Kysely, Selectable } from 'kysely';
import { AUDIT_ACTIONS, type AuditAction, auditSubject } from '#shared';
import { decodeCursor, encodeCursor } from './cursor';
import type { AuditLogTable, Database } from './schema';
import type { AuditRow, AuditStore } from './types';

/** The audit trail: appended to, never changed, read newest first by (at, id) through a cursor. */
export function auditStore(db: Kysely<Database>): AuditStore {
  return {
    async append(row) {
      await db
        .insertInto('audit_log')
        .values({
          id: row.id,
          at: row.at,
          actor_id: row.actorId,
          actor_name: row.actorName,
          action: row.action,
          subject: auditSubject(row.action),
          target_id: row.targetId,
          target_name: row.targetName,
          detail: row.detail,
        })
        .execute();
    },
    async query(filter, page) {
      const position = page.cursor != null ? decodeCursor(page.cursor) : null;
      let q = db.selectFrom('audit_log').selectAll();
      if (filter.subject) q = q.where('subject', '=', filter.subject);
      if (position) {
        q = q.where((eb) =>
          eb.or([
            eb('at', '<', position.createdAt),
            eb.and([eb('at', '=', position.createdAt), eb('id', '<', position.id)]),
          ]),
        );
      }
      // One row past the page says whether there is another page.
      const rows = await q
        .orderBy('at', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit + 1)
        .execute();
      const entries = rows.slice(0, page.limit).map(toAudit);
      const last = entries.at(-1);
      const nextCursor =
        rows.length > page.limit && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null;
      return { entries, nextCursor };
    },
  };
}

const isAction = (value: string): value is AuditAction =>
  (AUDIT_ACTIONS as readonly string[]).includes(value);

function toAudit(r: Selectable<AuditLogTable>): AuditRow {
  if (!isAction(r.action)) throw new Error(`audit_log ${r.id} holds an unknown action "${r.action}"`);
  return {
    id: r.id,
    at: r.at,
    actorId: r.actor_id,
    actorName: r.actor_name,
    action: r.action,
    targetId: r.target_id,
    targetName: r.target_name,
    detail: r.detail,
  };
}
