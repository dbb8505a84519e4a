import { type Kysely, type QueryCreator, type RawBuilder, sql } from 'kysely';
import { EMPTY_COUNTS, type PhoneRecord, type RingCounts } from '#shared';
import { phoneRows, rollupRows } from './ring-batch';
import { countsOf, RING_COUNT_COLUMNS, type RingCountColumn } from './ring-columns';
import type { RingHealthStore, RingLeg } from './ring-health-types';
import type { Database } from './schema';

const HOUR_MS = 3_600_000;

/** Each count goes up by what the new row brings: concurrent writers (cluster nodes) all count. */
const INCREMENTS = Object.fromEntries(
  RING_COUNT_COLUMNS.map((c) => [c, sql`${sql.ref(`ring_rollups.${c}`)} + ${sql.ref(`excluded.${c}`)}`]),
) as Record<RingCountColumn, RawBuilder<number>>;

/** The later of the stored time and the new one (SQLite has max(), PostgreSQL greatest()). */
const later = (column: 'last_rang_at' | 'last_push_at') =>
  sql<number | null>`case when ${sql.ref(`excluded.${column}`)} is null
    or (${sql.ref(`ring_phones.${column}`)} is not null and ${sql.ref(`ring_phones.${column}`)} > ${sql.ref(`excluded.${column}`)})
    then ${sql.ref(`ring_phones.${column}`)} else ${sql.ref(`excluded.${column}`)} end`;

/**
 * Phones' ring records (issue 25 item 1) as rollups, the same SQL on both engines. Writes are
 * upserts that add, so nodes of a cluster writing the same phone's hour never lose a count; rows
 * are written in key order, so two transactions touching the same rows cannot deadlock.
 */
export function ringHealthStore(db: Kysely<Database>, engine: 'sqlite' | 'postgres'): RingHealthStore {
  const rollups = (target: QueryCreator<Database>, legs: RingLeg[]) =>
    target
      .insertInto('ring_rollups')
      .values(rollupRows(legs))
      .onConflict((oc) => oc.columns(['device_id', 'period', 'start']).doUpdateSet(INCREMENTS))
      .returning('device_id');
  const phones = (target: QueryCreator<Database>, legs: RingLeg[]) =>
    target
      .insertInto('ring_phones')
      .values(phoneRows(legs))
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

  return {
    async recordLegs(legs) {
      if (legs.length === 0) return [];
      // PostgreSQL: one statement (the rollups a data-modifying CTE of it), so one round trip where
      // a transaction takes four, atomic all the same. SQLite has no such CTE; in process, the
      // transaction's statements cost no round trip.
      const states =
        engine === 'postgres'
          ? await phones(
              db.with('rolled', (w) => rollups(w, legs)),
              legs,
            ).execute()
          : await db.transaction().execute(async (tx) => {
              await rollups(tx, legs).execute();
              return phones(tx, legs).execute();
            });
      return states.map((s) => ({
        deviceId: s.device_id,
        notRungStreak: Number(s.not_rung_streak),
        alertKey: s.alert_key,
      }));
    },

    async records(now, deviceIds) {
      if (deviceIds?.length === 0) return [];
      const dayFrom = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
      const weekFrom = Math.floor(now / HOUR_MS) * HOUR_MS - (7 * 24 - 1) * HOUR_MS;
      let sums = db
        .selectFrom('ring_rollups')
        .select((eb) => [
          'device_id',
          ...RING_COUNT_COLUMNS.map((c) => eb.fn.sum<number>(c).as(`w_${c}`)),
          ...RING_COUNT_COLUMNS.map((c) =>
            eb.fn
              .sum<number>(eb.case().when('start', '>=', dayFrom).then(eb.ref(c)).else(0).end())
              .as(`d_${c}`),
          ),
        ])
        .where('period', '=', 'h')
        .where('start', '>=', weekFrom)
        .groupBy('device_id');
      let phones = db.selectFrom('ring_phones').selectAll();
      if (deviceIds) {
        sums = sums.where('device_id', 'in', deviceIds);
        phones = phones.where('device_id', 'in', deviceIds);
      }
      const [windows, states] = await Promise.all([sums.execute(), phones.execute()]);
      const byDevice = new Map<string, PhoneRecord>();
      const record = (deviceId: string) => {
        const found = byDevice.get(deviceId);
        if (found) return found;
        const fresh: PhoneRecord = {
          deviceId,
          day: EMPTY_COUNTS,
          week: EMPTY_COUNTS,
          notRungStreak: 0,
          lastRangAt: null,
          lastPushAt: null,
        };
        byDevice.set(deviceId, fresh);
        return fresh;
      };
      for (const w of windows) {
        const sum = w as unknown as Record<string, unknown>;
        const pick = (prefix: string) =>
          Object.fromEntries(RING_COUNT_COLUMNS.map((c) => [c, sum[`${prefix}${c}`]]));
        Object.assign(record(w.device_id), { week: countsOf(pick('w_')), day: countsOf(pick('d_')) });
      }
      for (const s of states) {
        Object.assign(record(s.device_id), {
          notRungStreak: s.not_rung_streak,
          lastRangAt: s.last_rang_at,
          lastPushAt: s.last_push_at,
        });
      }
      return [...byDevice.values()];
    },

    async series({ period, from, deviceId }) {
      let query = db
        .selectFrom('ring_rollups')
        .select((eb) => ['start', ...RING_COUNT_COLUMNS.map((c) => eb.fn.sum<number>(c).as(c))])
        .where('period', '=', period)
        .where('start', '>=', from)
        .groupBy('start')
        .orderBy('start');
      if (deviceId !== undefined) query = query.where('device_id', '=', deviceId);
      const found = await query.execute();
      return found.map((r) => ({ start: Number(r.start), counts: countsOf(r) as RingCounts }));
    },

    async noteAlert(deviceId, key, at) {
      const result = await db
        .insertInto('ring_phones')
        .values({ device_id: deviceId, alert_key: key, alert_at: at })
        .onConflict((oc) =>
          oc
            .column('device_id')
            .doUpdateSet({ alert_key: sql`excluded.alert_key`, alert_at: sql`excluded.alert_at` })
            .where(
              sql<boolean>`ring_phones.alert_key is null or ring_phones.alert_key <> excluded.alert_key`,
            ),
        )
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async prune({ hoursBefore, daysBefore }) {
      return db.transaction().execute(async (tx) => {
        const hours = await tx
          .deleteFrom('ring_rollups')
          .where('period', '=', 'h')
          .where('start', '<', hoursBefore)
          .executeTakeFirst();
        const days = await tx
          .deleteFrom('ring_rollups')
          .where('period', '=', 'd')
          .where('start', '<', daysBefore)
          .executeTakeFirst();
        // An unpaired phone's streak and alert state mean nothing any more; its rollups stay for the team.
        const phones = await tx
          .deleteFrom('ring_phones')
          .where('device_id', 'not in', (eb) => eb.selectFrom('devices').select('id'))
          .executeTakeFirst();
        return Number(hours.numDeletedRows + days.numDeletedRows + phones.numDeletedRows);
      });
    },
  };
}
