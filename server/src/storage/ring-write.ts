import { CompiledQuery, type Kysely, type QueryCreator, type RawBuilder, sql } from 'kysely';
import { phoneRows, rollupRows } from './ring-batch';
import { RING_COUNT_COLUMNS, type RingCountColumn } from './ring-columns';
import type { RingLeg, RingPhoneState } from './ring-health-types';
import type { Database } from './schema';

/** Each count goes up by what the new row brings: concurrent writers (cluster nodes) all count. */
const INCREMENTS = Object.fromEntries(
  RING_COUNT_COLUMNS.map((c) => [c, sql`${sql.ref(`ring_rollups.${c}`)} + ${sql.ref(`excluded.${c}`)}`]),
) as Record<RingCountColumn, RawBuilder<number>>;

/** The later of the stored time and the new one (SQLite has max(), PostgreSQL greatest()). */
const later = (column: 'last_rang_at' | 'last_push_at') =>
  sql<number | null>`case when ${sql.ref(`excluded.${column}`)} is null
    or (${sql.ref(`ring_phones.${column}`)} is not null and ${sql.ref(`ring_phones.${column}`)} > ${sql.ref(`excluded.${column}`)})
    then ${sql.ref(`ring_phones.${column}`)} else ${sql.ref(`excluded.${column}`)} end`;

const ROLLUP_COLUMNS = ['device_id', 'period', 'start', ...RING_COUNT_COLUMNS] as const;
const PHONE_COLUMNS = ['device_id', 'not_rung_streak', 'last_rang_at', 'last_push_at'] as const;
/** Batches of up to this many rollup rows keep their compiled SQL: a bounded number of shapes. */
const CACHED_ROWS = 32;

type Row = Record<string, unknown>;
type Plan = { sql: string; order: number[] }[];
type State = { device_id: string; not_rung_streak: number; alert_key: string | null };

const rollups = (target: QueryCreator<Database>, rows: Row[]) =>
  target
    .insertInto('ring_rollups')
    .values(rows as never)
    .onConflict((oc) => oc.columns(['device_id', 'period', 'start']).doUpdateSet(INCREMENTS))
    .returning('device_id');

const phones = (target: QueryCreator<Database>, rows: Row[]) =>
  target
    .insertInto('ring_phones')
    .values(rows as never)
    .onConflict((oc) =>
      oc.column('device_id').doUpdateSet({
        // A ring ends the run of calls that did not ring (the batch's own silent calls after its
        // last ring start the new run); without one, the batch's silent calls add to it.
        not_rung_streak: sql<number>`case when excluded.last_rang_at is not null then excluded.not_rung_streak
          else ring_phones.not_rung_streak + excluded.not_rung_streak end`,
        last_rang_at: later('last_rang_at'),
        last_push_at: later('last_push_at'),
      }),
    )
    // What the alert rules need, as it stands after this write: no read back.
    .returning(['device_id', 'not_rung_streak', 'alert_key']);

/**
 * `recordLegs`: a batch's rollups and phone rows. PostgreSQL: one statement (the rollups a
 * data-modifying CTE of it), one round trip where a transaction takes four, atomic all the same;
 * SQLite has no such CTE and, in process, pays no round trip for the transaction's statements.
 *
 * A record is written after every call that ends, and Kysely builds and compiles each query anew
 * (bench/README.md): the SQL of each batch shape (rollup rows × phone rows) is compiled once, with
 * a placeholder per value, and then run with the batch's values.
 */
export function ringWriter(db: Kysely<Database>, engine: 'sqlite' | 'postgres') {
  const plans = new Map<string, Plan>();

  const planFor = (rollupCount: number, phoneCount: number): Plan => {
    const key = `${rollupCount}x${phoneCount}`;
    const cached = plans.get(key);
    if (cached) return cached;
    const marks: string[] = [];
    const mark = () => {
      const m = `\u0000${marks.length}\u0000`;
      marks.push(m);
      return m;
    };
    const rows = (count: number, columns: readonly string[]) =>
      Array.from({ length: count }, () => Object.fromEntries(columns.map((c) => [c, mark()])));
    const r = rows(rollupCount, ROLLUP_COLUMNS);
    const p = rows(phoneCount, PHONE_COLUMNS);
    const queries =
      engine === 'postgres'
        ? [
            phones(
              db.with('rolled', (w) => rollups(w, r)),
              p,
            ),
          ]
        : [rollups(db, r), phones(db, p)];
    const index = new Map(marks.map((m, i) => [m, i]));
    const plan = queries.map((q) => {
      const compiled = q.compile();
      const order = compiled.parameters.map((v) => {
        const i = typeof v === 'string' ? index.get(v) : undefined;
        if (i === undefined) throw new Error(`ring records: a parameter is not a value: ${String(v)}`);
        return i;
      });
      return { sql: compiled.sql, order };
    });
    if (rollupCount <= CACHED_ROWS) plans.set(key, plan);
    return plan;
  };

  return async (legs: RingLeg[]): Promise<RingPhoneState[]> => {
    if (legs.length === 0) return [];
    const r = rollupRows(legs) as unknown as Row[];
    const p = phoneRows(legs) as unknown as Row[];
    const values = [
      ...r.flatMap((row) => ROLLUP_COLUMNS.map((c) => row[c])),
      ...p.flatMap((row) => PHONE_COLUMNS.map((c) => row[c])),
    ];
    const plan = planFor(r.length, p.length);
    const run = (target: Kysely<Database>, step: Plan[number]) =>
      target.executeQuery<State>(
        CompiledQuery.raw(
          step.sql,
          step.order.map((i) => values[i]),
        ) as CompiledQuery<State>,
      );
    const states =
      engine === 'postgres'
        ? (await run(db, plan[0]!)).rows
        : await db.transaction().execute(async (tx) => {
            await run(tx, plan[0]!);
            return (await run(tx, plan[1]!)).rows;
          });
    return states.map((s) => ({
      deviceId: s.device_id,
      notRungStreak: Number(s.not_rung_streak),
      alertKey: s.alert_key,
    }));
  };
}
