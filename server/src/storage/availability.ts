import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { precompiled } from './precompiled';
import type { AgentAvailabilityTable, Database } from './schema';
import type { AvailabilityRow, AvailabilityStore, StoredAgentState } from './types';

const STATES: readonly StoredAgentState[] = ['available', 'afterCall', 'away'];

/**
 * Agents' stored availability (issue 24 item 1). Conditional updates carry the whole rule in one
 * statement, so two nodes, or a timer that fires late, cannot undo each other's change.
 */
export function availabilityStore(db: Kysely<Database>, engine: 'sqlite' | 'postgres'): AvailabilityStore {
  const columns = (row: AvailabilityRow) => ({
    state: row.state,
    since: row.since,
    until: row.until,
    call_id: row.callId,
    auto: row.auto ? 1 : 0,
  });
  const namesQuery = () =>
    db
      .selectFrom('agents')
      .leftJoin('agent_availability', 'agent_availability.agent_id', 'agents.id')
      .select([
        'agents.id',
        'agents.name',
        'agents.created_at',
        'agent_availability.state',
        'agent_availability.since',
        'agent_availability.until',
        'agent_availability.call_id',
        'agent_availability.auto',
      ])
      .where('agents.disabled_at', 'is', null);
  // One agent's is read and written twice per call an agent takes: compiled once (precompiled.ts).
  const oneName = precompiled(db, ['agentId'], (p) => namesQuery().where('agents.id', '=', p.agentId));
  const oneRow = precompiled(db, ['agentId'], (p) =>
    db.selectFrom('agent_availability').selectAll().where('agent_id', '=', p.agentId),
  );
  const upsert = precompiled(db, ['agent_id', 'state', 'since', 'until', 'call_id', 'auto'], (p) =>
    db
      .insertInto('agent_availability')
      .values(p as unknown as Insertable<AgentAvailabilityTable>)
      .onConflict((oc) =>
        oc.column('agent_id').doUpdateSet((eb) => ({
          state: eb.ref('excluded.state'),
          since: eb.ref('excluded.since'),
          until: eb.ref('excluded.until'),
          call_id: eb.ref('excluded.call_id'),
          auto: eb.ref('excluded.auto'),
        })),
      ),
  );
  // A call's end sets its agent's row unless they chose Away during it: read and write were two
  // statements per call an agent takes, now one (precompiled.ts); the constants are literals.
  const unlessChosenAwayValues = (row: AvailabilityRow, since: number) => ({
    agent_id: row.agentId,
    ...columns(row),
    chosenSince: since,
  });
  const afterCallValues = (
    c: { agentId: string; since: number; until: number; callId: string },
    since: number,
  ) => ({
    agent_id: c.agentId,
    since: c.since,
    until: c.until,
    call_id: c.callId,
    chosenSince: since,
  });
  const upsertUnlessChosenAway = precompiled(
    db,
    ['agent_id', 'state', 'since', 'until', 'call_id', 'auto', 'chosenSince'],
    (p) =>
      db
        .insertInto('agent_availability')
        .values({
          agent_id: p.agent_id,
          state: p.state,
          since: p.since,
          until: p.until,
          call_id: p.call_id,
          auto: p.auto,
        } as unknown as Insertable<AgentAvailabilityTable>)
        .onConflict((oc) =>
          oc
            .column('agent_id')
            .doUpdateSet((eb) => ({
              state: eb.ref('excluded.state'),
              since: eb.ref('excluded.since'),
              until: eb.ref('excluded.until'),
              call_id: eb.ref('excluded.call_id'),
              auto: eb.ref('excluded.auto'),
            }))
            .where(
              sql<boolean>`not (agent_availability.state = 'away' and agent_availability.auto = 0 and agent_availability.since >= ${p.chosenSince})`,
            ),
        ),
  );
  // The end of an agent's call when after-call work is on: after-call work, unless the call's
  // wrap-up already has its disposition (then Available). The wrap-up was a read of its own before
  // this write, per call an agent takes; here it is a subquery. A chosen Away stays, as above.
  const dispositioned = (callId: string) =>
    sql<boolean>`exists (select 1 from call_wrapups where call_wrapups.call_id = ${callId} and call_wrapups.disposition_id is not null)`;
  const upsertAfterCall = precompiled(db, ['agent_id', 'since', 'until', 'call_id', 'chosenSince'], (p) =>
    db
      .insertInto('agent_availability')
      .values({
        agent_id: p.agent_id,
        state: sql`case when ${dispositioned(p.call_id)} then 'available' else 'afterCall' end`,
        since: p.since,
        // Cast: a parameter beside a null tells PostgreSQL no type of its own.
        until: sql`case when ${dispositioned(p.call_id)} then null else cast(${p.until} as bigint) end`,
        call_id: sql`case when ${dispositioned(p.call_id)} then null else cast(${p.call_id} as text) end`,
        auto: sql.lit(0),
      } as unknown as Insertable<AgentAvailabilityTable>)
      .onConflict((oc) =>
        oc
          .column('agent_id')
          .doUpdateSet((eb) => ({
            state: eb.ref('excluded.state'),
            since: eb.ref('excluded.since'),
            until: eb.ref('excluded.until'),
            call_id: eb.ref('excluded.call_id'),
            auto: eb.ref('excluded.auto'),
          }))
          .where(
            sql<boolean>`not (agent_availability.state = 'away' and agent_availability.auto = 0 and agent_availability.since >= ${p.chosenSince})`,
          ),
      )
      .returning('state'),
  );
  const withNames = async (agentId?: string | string[]) => {
    const rows =
      agentId === undefined
        ? await namesQuery().orderBy('agents.created_at').orderBy('agents.id').execute()
        : Array.isArray(agentId)
          ? await namesQuery().where('agents.id', 'in', agentId).execute()
          : (await oneName({ agentId })).rows;
    return rows.map((r) => ({
      name: r.name,
      ...(r.state === null
        ? defaultRow(r.id, Number(r.created_at))
        : toRow({
            agent_id: r.id,
            state: r.state,
            since: r.since!,
            until: r.until,
            call_id: r.call_id,
            auto: r.auto!,
          })),
    }));
  };
  return {
    list: () => withNames(),
    async find(agentId) {
      return (await withNames(agentId))[0] ?? null;
    },
    async findMany(agentIds) {
      return agentIds.length === 0 ? [] : withNames(agentIds);
    },
    async get(agentId) {
      const row = (await oneRow({ agentId })).rows[0];
      return row ? toRow(row) : null;
    },
    async put(row) {
      await upsert({ agent_id: row.agentId, ...columns(row) });
    },
    async putUnlessChosenAway(row, since) {
      const result = await upsertUnlessChosenAway(unlessChosenAwayValues(row, since));
      return (result.numAffectedRows ?? 0n) > 0n;
    },
    async putAfterCall(c, since) {
      const { rows } = await upsertAfterCall(afterCallValues(c, since));
      const state = rows[0]?.state;
      return state === 'afterCall' || state === 'available' ? state : null;
    },
    ...(engine === 'postgres'
      ? {
          statements: {
            unlessChosenAway: (row, since) => (literal) =>
              upsertUnlessChosenAway.text(unlessChosenAwayValues(row, since), literal),
            afterCall: (c, since) => (literal) => upsertAfterCall.text(afterCallValues(c, since), literal),
          },
        }
      : {}),
    async update(row, when) {
      // A missing row is the default one: Away (the server's) since the agent was added.
      const agent = await db
        .selectFrom('agents')
        .select('created_at')
        .where('id', '=', row.agentId)
        .executeTakeFirst();
      if (!agent) return false;
      const fallback = defaultRow(row.agentId, Number(agent.created_at));
      await db
        .insertInto('agent_availability')
        .values({ agent_id: row.agentId, ...columns(fallback) })
        .onConflict((oc) => oc.column('agent_id').doNothing())
        .execute();
      let q = db.updateTable('agent_availability').set(columns(row)).where('agent_id', '=', row.agentId);
      if (when.state) q = q.where('state', 'in', when.state);
      if (when.callId !== undefined) q = q.where('call_id', '=', when.callId);
      if (when.auto !== undefined) q = q.where('auto', '=', when.auto ? 1 : 0);
      if (when.untilAtMost !== undefined) q = q.where('until', '<=', when.untilAtMost);
      const result = await q.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },
  };
}

/**
 * An agent who never had a console open is Away, as one whose consoles all closed: the server's
 * Away (`auto`), which their first console turns into Available.
 */
const defaultRow = (agentId: string, createdAt: number): AvailabilityRow => ({
  agentId,
  state: 'away',
  since: createdAt,
  until: null,
  callId: null,
  auto: true,
});

function toRow(r: Selectable<AgentAvailabilityTable>): AvailabilityRow {
  const state = STATES.find((s) => s === r.state);
  if (!state) throw new Error(`agent_availability ${r.agent_id} holds an unknown state "${r.state}"`);
  return {
    agentId: r.agent_id,
    state,
    since: Number(r.since),
    until: r.until === null ? null : Number(r.until),
    callId: r.call_id,
    auto: Number(r.auto) === 1,
  };
}
