import { z } from 'zod';
import { ackSchema } from './ack';
import {
  CALL_STATES,
  callId,
  callSchema,
  DIRECTIONS,
  END_REASONS,
  EVENT_SOURCES,
  epochMs,
  LEG_STATES,
  PUSH_OUTCOMES,
  pushRecordSchema,
} from './call';
import { markOf, PATH_KINDS, PATH_TRANSPORTS, QUALITY_MARKS, QualitySummarizer } from './call-quality';
import { ERROR_CODE_LIST } from './errors';
import {
  callCancelledSchema,
  callChangedSchema,
  callSyncResultSchema,
  DEVICE_REPORT_EVENTS,
  deviceAuthSchema,
  deviceBroadcasts,
  deviceRequests,
  directoryChangedSchema,
  directorySchema,
  rtcIceSchema,
  rtcSignalRequestSchema,
} from './events';
import { pairRequestSchema, pairResponseSchema } from './http';
import { readPairingLink } from './pairing-link';
import { isStale, PUSH_KEY, pushPayloadSchema, VOIP_PAYLOAD_LIMIT } from './push';
import { qualitySummarySchema } from './quality-events';
import { APNS_ENVIRONMENTS, directoryEntrySchema } from './roster';
import { rtcSequenceSchema } from './rtc-answerer';
import { TRANSFER_KINDS, TRANSFER_STATES } from './transfer-schema';
import { PROTOCOL_VERSION } from './version';
import {
  CAMERAS,
  DEVICE_FEATURES,
  VIDEO_OFF_REASONS,
  VIDEO_REPORT_EVENTS,
  VIDEO_STATES,
  videoMarkerSchema,
  videoStateSchema,
} from './video';

// Rules the Swift app copies that are not message schemas get one here, so that both suites
// check the same fixtures against them (shared/fixtures/README.md).

/** Exactly the members of `list`, each once, in any order. */
const exactly = (list: readonly string[]) =>
  z
    .array(z.string())
    .refine(
      (a) => a.length === list.length && new Set(a).size === a.length && a.every((x) => list.includes(x)),
      {
        message: `expected exactly ${list.join(', ')}`,
      },
    );

/** Every name and constant of the wire protocol the phone copies. */
const wireConstantsSchema = z.strictObject({
  protocolVersion: z.literal(PROTOCOL_VERSION),
  voipPayloadLimit: z.literal(VOIP_PAYLOAD_LIMIT),
  pushKey: z.literal(PUSH_KEY),
  deviceRequests: exactly(Object.keys(deviceRequests)),
  deviceBroadcasts: exactly(Object.keys(deviceBroadcasts)),
  reportEvents: exactly(DEVICE_REPORT_EVENTS),
  errorCodes: exactly(ERROR_CODE_LIST),
  endReasons: exactly(END_REASONS),
  callStates: exactly(CALL_STATES),
  legStates: exactly(LEG_STATES),
  directions: exactly(DIRECTIONS),
  eventSources: exactly(EVENT_SOURCES),
  pushOutcomes: exactly(PUSH_OUTCOMES),
  pushKinds: exactly(pushRecordSchema.shape.kind.options),
  apnsEnvironments: exactly(APNS_ENVIRONMENTS),
  /** A call's transfers are decoded strictly by the app: a kind or state it does not know refuses the call. */
  transferKinds: exactly(TRANSFER_KINDS),
  transferStates: exactly(TRANSFER_STATES),
  /** Video (issue 27): the phone decodes these strictly too. */
  deviceFeatures: exactly(DEVICE_FEATURES),
  videoStates: exactly(VIDEO_STATES),
  videoOffReasons: exactly(VIDEO_OFF_REASONS),
  videoReportEvents: exactly(VIDEO_REPORT_EVENTS),
  cameras: exactly(CAMERAS),
});

/** A client's retries: which error codes are worth sending again, and the backoff between tries. */
const retryPolicySchema = z
  .strictObject({
    retryableCodes: z.array(z.enum(ERROR_CODE_LIST)).min(1),
    backoff: z.strictObject({
      initialMs: z.number().int().positive(),
      factor: z.number().int().min(2),
      maxMs: z.number().int().positive(),
    }),
    /** The wait before retry 1, 2, 3…: `min(initialMs × factor^(n−1), maxMs)`. */
    delaysMs: z.array(z.number().int().positive()).min(1),
  })
  .refine(
    ({ backoff: b, delaysMs }) =>
      delaysMs.every((d, i) => d === Math.min(b.initialMs * b.factor ** i, b.maxMs)),
    { message: 'delaysMs must follow min(initialMs × factor^(n−1), maxMs)', path: ['delaysMs'] },
  );

/**
 * A call push rings for its own `ringUntil − sentAt`, counted from its arrival on the phone; the
 * phone's clock (`phoneNowAtArrival`) is never compared with the server's.
 */
const stalenessSchema = z
  .strictObject({
    sentAt: epochMs,
    ringUntil: epochMs,
    phoneNowAtArrival: epochMs,
    elapsedSinceArrivalMs: z.number().int().nonnegative(),
    stale: z.boolean(),
  })
  .refine((c) => c.stale === isStale(c, c.phoneNowAtArrival, c.phoneNowAtArrival + c.elapsedSinceArrivalMs), {
    message: 'stale is elapsedSinceArrivalMs >= ringUntil - sentAt',
    path: ['stale'],
  });

/** One getStats reading as call-quality.ts' StatsSample holds it. */
const statsSampleSchema = z.strictObject({
  rttMs: z.number().int().nonnegative().nullable(),
  jitterMs: z.number().int().nonnegative().nullable(),
  packetsReceived: z.number().int().nonnegative(),
  packetsLost: z.number().int().nonnegative(),
  bytesReceived: z.number().int().nonnegative(),
  totalSamplesReceived: z.number().int().nonnegative(),
  concealedSamples: z.number().int().nonnegative(),
  remoteLossPct: z.number().min(0).max(100).nullable(),
  candidateType: z.string().nullable(),
  path: z.strictObject({ kind: z.enum(PATH_KINDS), transport: z.enum(PATH_TRANSPORTS) }).nullable(),
});

/** Keys sorted at every level, so two summaries compare by value whatever order JSON gave them. */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_key, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)))
      : value,
  );

/**
 * A call's readings, one a second, give exactly this summary and mark (call-quality.ts): the
 * console, the virtual phone and the iOS app send the same numbers for the same call.
 */
const qualitySummaryCaseSchema = z
  .strictObject({
    readings: z.array(z.strictObject({ at: epochMs, sample: statsSampleSchema })).min(1),
    summary: qualitySummarySchema.strict(),
    mark: z.enum(QUALITY_MARKS).nullable(),
  })
  .refine(
    (c) => {
      const summarizer = new QualitySummarizer();
      for (const r of c.readings) summarizer.push(r.sample, r.at);
      return canonical(summarizer.summary()) === canonical(c.summary);
    },
    { message: 'summary must be what QualitySummarizer makes of the readings', path: ['summary'] },
  )
  .refine((c) => markOf(c.summary) === c.mark, { message: 'mark must be markOf(summary)', path: ['mark'] });

/**
 * Which schema each folder of `shared/fixtures/` is checked against. The Swift tests decode the
 * same folders; a folder missing here fails the TypeScript tests, so no fixture goes unchecked.
 */
export const FIXTURE_KINDS = {
  ack: ackSchema(z.unknown()),
  call: callSchema,
  'call-cancelled': callCancelledSchema,
  'call-changed': callChangedSchema,
  'call-report': deviceRequests['call:report'],
  'call-start': deviceRequests['call:start'],
  'call-sync': deviceRequests['call:sync'],
  'call-sync-result': callSyncResultSchema,
  'device-update': deviceRequests['device:update'],
  'device-unpair': deviceRequests['device:unpair'],
  'directory-changed': directoryChangedSchema,
  'directory-set': z.object({ entries: z.array(directoryEntrySchema) }),
  'pair-request': pairRequestSchema,
  'pair-response': pairResponseSchema,
  'permissions-report': deviceRequests['permissions:report'],
  'push-payload': pushPayloadSchema,
  'quality-report': deviceRequests['quality:report'],
  'quality-summary': qualitySummaryCaseSchema,
  'rtc-signal': rtcSignalRequestSchema,
  'rtc-ice': deviceRequests['rtc:ice'],
  'rtc-ice-servers': rtcIceSchema,
  'rtc-sequence': rtcSequenceSchema,
  'bundle-id': pairRequestSchema.shape.bundleId,
  'call-id': callId,
  'device-auth': deviceAuthSchema,
  'directory-response': directorySchema,
  'pairing-code': pairRequestSchema.shape.code,
  'pairing-link': z.string().refine((link) => !('problem' in readPairingLink(link)), {
    message: 'not a pairing link the phone accepts',
  }),
  'retry-policy': retryPolicySchema,
  staleness: stalenessSchema,
  'voip-token': deviceRequests['device:update'].shape.voipToken,
  'wire-constants': wireConstantsSchema,
  'video-state': videoStateSchema,
  'video-report': deviceRequests['video:report'],
  'video-marker': videoMarkerSchema,
} as const satisfies Record<string, z.ZodType>;
