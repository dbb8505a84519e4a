import type { Kysely, Selectable } from 'kysely';
import { guarded } from './errors';
import type { AgentsTable, Database } from './schema';
import type { AgentRow, AgentStore } from './types';

/** Console users. Names are unique regardless of case; removing an agent signs them out. */
export function agentStore(db: Kysely<Database>): AgentStore {
  const store: AgentStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('agents')
            .values({
              id: row.id,
              name: row.name,
              name_key: nameKey(row.name),
              password_hash: row.passwordHash,
              created_at: row.createdAt,
            })
            .execute(),
        {
          unique: async () =>
            (await store.findByName(row.name))
              ? `an agent named "${row.name}" already exists (names are case-insensitive)`
              : `an agent with id ${row.id} already exists`,
        },
      );
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
    async remove(id) {
      return db.transaction().execute(async (tx) => {
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
});
