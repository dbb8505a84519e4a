import type { Kysely, Selectable } from 'kysely';
import { guarded } from './errors';
import type { Database, SessionsTable } from './schema';
import type { SessionRow, SessionStore } from './types';

/** Console sign-in sessions, found by the hash of their token. */
export function sessionStore(db: Kysely<Database>): SessionStore {
  const store: SessionStore = {
    async create(row) {
      await guarded(
        () =>
          db
            .insertInto('sessions')
            .values({
              token_hash: row.tokenHash,
              agent_id: row.agentId,
              created_at: row.createdAt,
              expires_at: row.expiresAt,
            })
            .execute(),
        { unique: 'this session token already exists', foreignKey: `there is no agent ${row.agentId}` },
      );
    },
    async find(tokenHash) {
      const row = await db
        .selectFrom('sessions')
        .selectAll()
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async remove(tokenHash) {
      await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
    },
    async listByAgent(agentId) {
      const rows = await db
        .selectFrom('sessions')
        .selectAll()
        .where('agent_id', '=', agentId)
        .orderBy('created_at', 'desc')
        .execute();
      return rows.map(toSession);
    },
    async removeOthers(agentId, keep) {
      const result = await db
        .deleteFrom('sessions')
        .where('agent_id', '=', agentId)
        .where('token_hash', '!=', keep)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
    async removeExpired(now) {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
  return store;
}

const toSession = (r: Selectable<SessionsTable>): SessionRow => ({
  tokenHash: r.token_hash,
  agentId: r.agent_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});
