import { type Kysely, sql } from 'kysely';
import { EMPTY_COUNTS, type PhoneRecord, type RingCounts } from '#shared';
import { countsOf, RING_COUNT_COLUMNS } from './ring-columns';
import type { RingHealthStore } from './ring-health-types';
import { ringWriter } from './ring-write';
import type { Database } from './schema';

const HOUR_MS = 3_600_000;

/**
 * Phones' ring records (issue 25 item 1) as rollups, the same SQL on both engines. Writes are
 * upserts that add, so nodes of a cluster writing the same phone's hour never lose a count; rows
 * are written in key order, so two transactions touching the same rows cannot deadlock.
 */
export function ringHealthStore(db: Kysely<Database>, engine: 'sqlite' | 'postgres'): RingHealthStore {
  return {
    recordLegs: ringWriter(db, engine),

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
