import { z } from 'zod';
import { callId, entityId, epochMs } from './call';
import { PATH_KINDS, PATH_TRANSPORTS, QUALITY_MARKS } from './call-quality';

/**
 * The wire of call quality (issue 25 item 8): each end of a call reports what it heard, the
 * console asks for a phone's quality over its recent calls. Spread into events.ts' maps.
 */

const ms = z.number().int().nonnegative().max(600_000);
const pct = z.number().min(0).max(100);
const count = z.number().int().nonnegative().max(1e12);
const mos = z.number().min(1).max(5);
const spread = z.object({ avg: ms, max: ms });

export const qualityPathSchema = z.object({
  kind: z.enum(PATH_KINDS),
  transport: z.enum(PATH_TRANSPORTS),
});

/** call-quality.ts' QualitySummary, as it travels and is stored. */
export const qualitySummarySchema = z.object({
  samples: count,
  seconds: count,
  rttMs: spread.nullable(),
  jitterMs: spread.nullable(),
  packetsReceived: count,
  packetsLost: count,
  lossPct: pct.nullable(),
  concealedPct: pct.nullable(),
  mos: z.object({ avg: mos, min: mos }).nullable(),
  poorSeconds: count,
  path: qualityPathSchema.nullable(),
});

/**
 * `quality:report {callId, summary}`, from both namespaces: what this end heard so far, sent
 * during the call (so a crash loses little) and when its media closes. The latest one counts.
 * Accepted from the call's own parties until QUALITY_REPORT_WINDOW_MS after the call ended.
 */
export const qualityReportSchema = z.object({ callId, summary: qualitySummarySchema });
export type QualityReport = z.infer<typeof qualityReportSchema>;

/** How long after its end a call still takes its parties' last reports. */
export const QUALITY_REPORT_WINDOW_MS = 10 * 60_000;
/** How often an end reports while the call goes on. */
export const QUALITY_REPORT_EVERY_MS = 30_000;

export const QUALITY_SIDES = ['agent', 'phone'] as const;
export type QualitySide = (typeof QUALITY_SIDES)[number];

/** One end's latest report on a call, as history shows it. */
export const qualitySideSchema = z.object({
  side: z.enum(QUALITY_SIDES),
  /** The agent or device that reported. */
  partyId: entityId,
  at: epochMs,
  mark: z.enum(QUALITY_MARKS).nullable(),
  summary: qualitySummarySchema,
});
export type QualitySideReport = z.infer<typeof qualitySideSchema>;

/** A call's quality in history: the worse end's mark and MOS, and each end's report. */
export const callQualitySchema = z.object({
  mark: z.enum(QUALITY_MARKS).nullable(),
  /** The lower of the ends' average MOS; null when neither could score a second. */
  mos: mos.nullable(),
  sides: z.array(qualitySideSchema).max(24),
});
export type CallQuality = z.infer<typeof callQualitySchema>;

/** One UTC day of a phone's calls, by the call's mark (issue 25 item 8: per phone in its health). */
export const qualityDaySchema = z.object({
  start: epochMs,
  good: count,
  fair: count,
  poor: count,
  /** Average of the calls' MOS that day; null when none was scored. */
  mos: mos.nullable(),
});
export type QualityDay = z.infer<typeof qualityDaySchema>;

export const QUALITY_PHONE_DAYS = 30;

export const phoneQualitySchema = z.object({
  deviceId: entityId,
  /** QUALITY_PHONE_DAYS UTC days, oldest first, today last. */
  days: z.array(qualityDaySchema).max(QUALITY_PHONE_DAYS),
  /** The last 7 days together. */
  week: qualityDaySchema.omit({ start: true }),
  /** The latest call marked poor, to open in history. */
  lastPoor: z.object({ callId, at: epochMs, mos: mos.nullable() }).nullable(),
});
export type PhoneQuality = z.infer<typeof phoneQualitySchema>;

export const qualityAgentRequests = {
  'quality:report': qualityReportSchema,
  /** One phone's call quality over QUALITY_PHONE_DAYS days, for its health detail. */
  'quality:phone': z.object({ deviceId: entityId }),
} as const;

export const qualityAgentAcks = {
  'quality:report': z.null(),
  'quality:phone': phoneQualitySchema,
} as const satisfies { [K in keyof typeof qualityAgentRequests]: z.ZodType };

export const qualityDeviceRequests = { 'quality:report': qualityReportSchema } as const;
export const qualityDeviceAcks = { 'quality:report': z.null() } as const;
