import { z } from 'zod';
import { callSchema, entityId, epochMs } from './call';
import { HEALTH_STATES } from './phone-health';
import { phoneRecordSchema, ringCountsSchema } from './ring-record';

/**
 * The wire of phone health (issue 25): requests, their acks and broadcasts, spread into the agent
 * namespace's maps (events.ts) like the team's.
 */

/** One hour or UTC day of a ring record (a phone's, or the team's summed). */
export const ringPeriodSchema = z.object({ start: epochMs, counts: ringCountsSchema });
export type RingPeriod = z.infer<typeof ringPeriodSchema>;

export const HEALTH_TEAM_DAYS = 30;
export const HEALTH_DETAIL_DAYS = 30;

export const healthRequests = {
  /** Every phone's record over the last 24 h and 7 days: the roster's marks and the Health screen. */
  'health:records': z.object({}),
  /** One phone's record in detail: its hours over 7 days and its days over 30, for the charts. */
  'health:phone': z.object({ deviceId: entityId }),
  /** The team's days over 30: ring rate and p95 push→ring latency. */
  'health:team': z.object({}),
  /**
   * Rings one phone, or every phone of a staff member, as a real call "Ring test from <agent>"
   * that ends itself after RING_TEST_MS, or when declined or answered; its outcome goes into the
   * record when it ends. There is no silent test: iOS requires every VoIP push to show a call.
   */
  'ring:test': z.union([z.object({ deviceId: entityId }).strict(), z.object({ staffId: entityId }).strict()]),
} as const;

export const healthRecordsSchema = z.object({ phones: z.array(phoneRecordSchema) });

export const healthAcks = {
  'health:records': healthRecordsSchema,
  'health:phone': z.object({
    record: phoneRecordSchema,
    hours: z.array(ringPeriodSchema),
    days: z.array(ringPeriodSchema),
  }),
  'health:team': z.object({ days: z.array(ringPeriodSchema) }),
  'ring:test': callSchema,
} as const satisfies { [K in keyof typeof healthRequests]: z.ZodType };

/**
 * A phone turned Not ringing or Token invalid (item 4): sent once per change, whichever node saw
 * it; admins' consoles show it (a desktop notification in the app, a banner on the web).
 */
export const healthAlertSchema = z.object({
  deviceId: entityId,
  staffId: entityId,
  phone: z.string().max(120),
  staff: z.string().max(80),
  state: z.enum(HEALTH_STATES),
  label: z.string().max(80),
  fix: z.string().max(500),
  at: epochMs,
});
export type HealthAlert = z.infer<typeof healthAlertSchema>;

export const healthBroadcasts = {
  /** These phones' records changed (a call that rang them ended, a push was answered). */
  'health:changed': healthRecordsSchema,
  'health:alert': healthAlertSchema,
} as const;

/** `GET /api/health.csv?state=`: the Health screen's list, worst first. */
export const healthCsvQuerySchema = z.object({ state: z.enum(HEALTH_STATES).optional() });

export const HEALTH_CSV_COLUMNS = [
  'staff',
  'phone',
  'mark',
  'fix',
  'pushes_7d',
  'accepted_7d',
  'rejected_7d',
  'rang_7d',
  'not_rung_7d',
  'answered_7d',
  'ring_rate_7d',
  'p50_ms_7d',
  'p95_ms_7d',
  'rang_24h',
  'not_rung_24h',
  'not_rung_in_a_row',
  'last_ring',
] as const;
