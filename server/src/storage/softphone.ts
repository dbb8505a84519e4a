import type { Kysely } from 'kysely';
import type { Database } from './schema';
import type { SoftphoneStore } from './types';

/**
 * Each agent's softphone settings (migration 0007). An agent without a row has the defaults:
 * auto-answer off. No foreign key, like calls: a row left by a removed agent is never read.
 */
export function softphoneStore(db: Kysely<Database>): SoftphoneStore {
  return {
    async autoAnswer(agentId) {
      const row = await db
        .selectFrom('agent_softphone')
        .select('auto_answer')
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      return row?.auto_answer === 1;
    },
    async setAutoAnswer(agentId, on, at) {
      const auto_answer = on ? 1 : 0;
      await db
        .insertInto('agent_softphone')
        .values({ agent_id: agentId, auto_answer, updated_at: at })
        .onConflict((oc) => oc.column('agent_id').doUpdateSet({ auto_answer, updated_at: at }))
        .execute();
    },
  };
}
