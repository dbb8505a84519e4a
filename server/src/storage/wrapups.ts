import type { Kysely, Selectable } from 'kysely';
import type { Disposition, WrapUp } from '#shared';
import type { CallWrapUpsTable, Database, DispositionsTable } from './schema';
import type { WrapUpStore } from './types';

/**
 * Dispositions and calls' notes (issue 24 item 3). A disposition is never deleted, only archived:
 * calls keep naming it, and history can still filter by it.
 */
export function wrapUpStore(db: Kysely<Database>): WrapUpStore {
  const list = async (q: Kysely<Database> = db) => {
    const rows = await q.selectFrom('dispositions').selectAll().orderBy('position').orderBy('id').execute();
    const active = rows.filter((r) => r.archived_at === null);
    const archived = rows.filter((r) => r.archived_at !== null);
    return [...active, ...archived].map(toDisposition);
  };
  return {
    dispositions: () => list(),
    setDispositions(wanted, at, newId) {
      return db.transaction().execute(async (tx) => {
        const before = await list(tx);
        const byId = new Map(before.map((d) => [d.id, d]));
        const changes: string[] = [];
        const kept = new Set<string>();
        for (const [position, entry] of wanted.entries()) {
          const old = entry.id === undefined ? undefined : byId.get(entry.id);
          if (!old) {
            const id = newId();
            await tx
              .insertInto('dispositions')
              .values({ id, name: entry.name, position, archived_at: null })
              .execute();
            kept.add(id);
            changes.push(`added ${entry.name}`);
            continue;
          }
          kept.add(old.id);
          if (old.name !== entry.name) changes.push(`renamed ${old.name} → ${entry.name}`);
          if (old.archived) changes.push(`restored ${entry.name}`);
          await tx
            .updateTable('dispositions')
            .set({ name: entry.name, position, archived_at: null })
            .where('id', '=', old.id)
            .execute();
        }
        for (const old of before.filter((d) => !d.archived && !kept.has(d.id))) {
          await tx.updateTable('dispositions').set({ archived_at: at }).where('id', '=', old.id).execute();
          changes.push(`removed ${old.name}`);
        }
        const after = await list(tx);
        const order = (ds: Disposition[]) =>
          ds
            .filter((d) => !d.archived)
            .map((d) => d.id)
            .join();
        if (changes.length === 0 && order(before) !== order(after)) changes.push('changed the order');
        return { dispositions: after, changes };
      });
    },
    async save(callId, w) {
      const columns = {
        agent_id: w.agentId,
        note: w.note,
        disposition_id: w.dispositionId,
        disposition_name: w.dispositionName,
        updated_at: w.updatedAt,
      };
      await db
        .insertInto('call_wrapups')
        .values({ call_id: callId, ...columns })
        .onConflict((oc) => oc.column('call_id').doUpdateSet(columns))
        .execute();
    },
    async get(callId) {
      const row = await db
        .selectFrom('call_wrapups')
        .selectAll()
        .where('call_id', '=', callId)
        .executeTakeFirst();
      return row ? toWrapUp(row) : null;
    },
  };
}

const toDisposition = (r: Selectable<DispositionsTable>): Disposition => ({
  id: r.id,
  name: r.name,
  archived: r.archived_at !== null,
});

export const toWrapUp = (r: Omit<Selectable<CallWrapUpsTable>, 'call_id'>): WrapUp => ({
  note: r.note,
  dispositionId: r.disposition_id,
  dispositionName: r.disposition_name,
  agentId: r.agent_id,
  updatedAt: Number(r.updated_at),
});
