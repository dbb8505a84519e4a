import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FreshStorage, freshStorage } from '../../../test-support/databases';
import { queriesToPostgres } from '../../../test-support/pg-queries';
import { HeldCalls } from '../../src/cluster/held-calls';
import { ended, makeCall, T0 } from './fixtures';

/** The history a team builds up: ended calls, each a whole document, against a few live ones. */
const HISTORY = 3_000;

type Plan = { 'Node Type': string; 'Relation Name'?: string; Plans?: Plan[] };
const nodes = (plan: Plan): Plan[] => [plan, ...(plan.Plans ?? []).flatMap(nodes)];

/**
 * The live calls are read on the ring's first leg (a cluster node's busy check, with the agent's
 * or the phone's lock), by every node's deadline sweep, and at start-up: each of those reads
 * finds them through the live calls' index, whatever the size of the history beside them. Read
 * by scanning the table, each placement and each sweep read every call ever made (8 ms at
 * 20,000 calls, growing with the history, while the placement holds the agent's lock).
 */
describe('reads of the live calls', () => {
  let db: FreshStorage;
  let sql: pg.Pool;
  const live = [makeCall({ agentId: 'agt_live' }), makeCall({ agentId: 'agt_other' })];
  beforeAll(async () => {
    db = await freshStorage('postgres');
    sql = new pg.Pool({ connectionString: db.url, max: 1 });
    const old = ended(makeCall({ agentId: 'agt_live', createdAt: T0 - 86_400_000 }), 'completed');
    // A template ended call, copied HISTORY times under new ids and times.
    await db.storage.calls.save(old);
    await sql.query(
      `insert into calls (id, staff_id, agent_id, direction, state, end_reason, created_at, doc)
       select c.id || '-' || i, c.staff_id, c.agent_id, c.direction, c.state, c.end_reason,
              c.created_at - i, c.doc
       from calls c, generate_series(1, $1::int) i where c.id = $2`,
      [HISTORY, old.id],
    );
    for (const call of live) await db.storage.calls.save(call);
    await sql.query('analyze calls');
  });
  afterAll(async () => {
    await sql?.end();
    await db?.dispose();
  });

  /** The tables each statement sent during `read` scans whole (PostgreSQL's plan for it, with its values). */
  async function scannedWhole(read: () => Promise<unknown>): Promise<string[][]> {
    const statements = await queriesToPostgres(read);
    const reads = statements.filter((s) => /^\s*select/i.test(s.text));
    expect(reads).not.toEqual([]);
    const scans: string[][] = [];
    for (const { text, values } of reads) {
      const { rows } = await sql.query(`explain (format json) ${text}`, values);
      const plan = (rows[0]['QUERY PLAN'] as { Plan: Plan }[])[0]!.Plan;
      scans.push(nodes(plan).flatMap((n) => (n['Node Type'] === 'Seq Scan' ? [n['Relation Name']!] : [])));
    }
    return scans;
  }

  it('all of them (a start-up, a resync)', async () => {
    expect((await db.storage.calls.listLive()).map((c) => c.id).sort()).toEqual(live.map((c) => c.id).sort());
    expect(await scannedWhole(() => db.storage.calls.listLive())).toEqual([[]]);
  });

  it("those naming an agent (a cluster node's busy check)", async () => {
    const naming = await db.storage.calls.listLiveMentioning('agt_live');
    expect(naming.map((c) => c.id)).toEqual([live[0]!.id]);
    expect(await scannedWhole(() => db.storage.calls.listLiveMentioning('agt_live'))).toEqual([[]]);
  });

  it('those whose deadline passed (every cluster node, every sweep)', async () => {
    expect(await scannedWhole(() => db.storage.calls.listLiveDue(T0))).toEqual([[]]);
  });

  it("those naming the party whose lock a cluster node takes, in the lock's round trip", async () => {
    const statement = new HeldCalls().statement('agent:agt_live', (s) => pg.escapeLiteral(s));
    expect(statement).not.toBeNull();
    const { rows } = await sql.query(statement!);
    expect(rows).toHaveLength(1);
    expect(await scannedWhole(() => sql.query(statement!))).toEqual([[]]);
  });
});
