import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Role } from '#shared';
import { guarded } from './errors';
import type { AgentsTable, Database } from './schema';
import type { AgentRow, AgentStore, Storage } from './types';
import { LastAdminError } from './types';

/**
 * Console users. Names are unique regardless of case; removing or disabling an agent signs them
 * out. Every change that could take away an admin checks, in its own transaction, that an enabled
 * admin remains: a team nobody can manage can only be repaired from the server's command line.
 */
export function agentStore(db: Kysely<Database>, engine: Storage['engine']): AgentStore {
  /**
   * Runs `change`, then refuses (rolls back) if no enabled admin is left. On PostgreSQL the admin
   * rows are locked first, so two admins demoting each other at once run one after the other and
   * the second is refused; SQLite runs write transactions one at a time anyway.
   */
  const keepingAnAdmin = <T>(id: string, change: (tx: Transaction<Database>) => Promise<T>) =>
    db.transaction().execute(async (tx) => {
      if (engine === 'postgres') {
        await tx
          .selectFrom('agents')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled_at', 'is', null)
          .forUpdate()
          .execute();
      }
      const before = await tx.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
      const result = await change(tx);
      // Only a change to an enabled admin can take the last one away.
      if (before?.role !== 'admin' || before.disabled_at !== null) return result;
      const admins = await tx
        .selectFrom('agents')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', 'admin')
        .where('disabled_at', 'is', null)
        .executeTakeFirstOrThrow();
      if (Number(admins.n) === 0) throw new LastAdminError(before.name);
      return result;
    });

  const store: AgentStore = {
    async create(row) {
      let role: Role = 'agent';
      await guarded(
        () =>
          db.transaction().execute(async (tx) => {
            const any = await tx.selectFrom('agents').select('id').limit(1).executeTakeFirst();
            role = row.role ?? (any ? 'agent' : 'admin');
            await tx
              .insertInto('agents')
              .values({
                id: row.id,
                name: row.name,
                name_key: nameKey(row.name),
                password_hash: row.passwordHash,
                created_at: row.createdAt,
                role,
                disabled_at: null,
                password_temporary: row.temporaryPassword ? 1 : 0,
              })
              .execute();
          }),
        {
          unique: async () =>
            (await store.findByName(row.name))
              ? `an agent named "${row.name}" already exists (names are case-insensitive)`
              : `an agent with id ${row.id} already exists`,
        },
      );
      return role;
    },
    async findByName(name) {
      const row = await db
        .selectFrom('agents')
        .selectAll()
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst();
      return row ? toAgent(row) : null;
    },
    async findById(id) {
      const row = await db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toAgent(row) : null;
    },
    async list() {
      const rows = await db.selectFrom('agents').selectAll().orderBy('created_at').orderBy('id').execute();
      return rows.map(toAgent);
    },
    update(id, patch) {
      return keepingAnAdmin(id, async (tx) => {
        const row = await tx
          .updateTable('agents')
          .set({
            ...(patch.role !== undefined ? { role: patch.role } : {}),
            ...(patch.disabledAt !== undefined ? { disabled_at: patch.disabledAt } : {}),
          })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (row && patch.disabledAt != null) {
          await tx.deleteFrom('sessions').where('agent_id', '=', id).execute();
        }
        return row ? toAgent(row) : null;
      });
    },
    async setPassword(id, password, keepSession) {
      return db.transaction().execute(async (tx) => {
        const result = await tx
          .updateTable('agents')
          .set({ password_hash: password.hash, password_temporary: password.temporary ? 1 : 0 })
          .where('id', '=', id)
          .executeTakeFirst();
        if (result.numUpdatedRows === 0n) return false;
        let sessions = tx.deleteFrom('sessions').where('agent_id', '=', id);
        if (keepSession !== null) sessions = sessions.where('token_hash', '!=', keepSession);
        await sessions.execute();
        return true;
      });
    },
    remove(id) {
      return keepingAnAdmin(id, async (tx) => {
        await tx.deleteFrom('sessions').where('agent_id', '=', id).execute();
        const result = await tx.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
        return result.numDeletedRows > 0n;
      });
    },
  };
  return store;
}

/** The key for case-insensitive name lookups and uniqueness. */
const nameKey = (name: string): string => name.toLowerCase();

const toAgent = (r: Selectable<AgentsTable>): AgentRow => ({
  id: r.id,
  name: r.name,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  role: r.role === 'admin' ? 'admin' : 'agent',
  disabledAt: r.disabled_at,
  temporaryPassword: r.password_temporary === 1,
});
