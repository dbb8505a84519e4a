import { z } from 'zod';
import { MAX_TRANSFERS, transferSchema } from './transfer-schema';

/** Epoch milliseconds. Every time on the wire is one of these; never a formatted string. */
export const epochMs = z.number().int().nonnegative();

/** Call ids are UUID v4 because the iOS app uses the same value as the CallKit call UUID. */
/** Compared lowercase everywhere: Swift's `UUID.uuidString` is uppercase, JavaScript's randomUUID lowercase. */
export const callId = z.uuid().transform((id) => id.toLowerCase());

export const entityId = z.string().min(1).max(64);

export const CALL_STATES = ['dialing', 'ringing', 'connecting', 'active', 'ended'] as const;
export type CallState = (typeof CALL_STATES)[number];

export const END_REASONS = [
  'completed',
  'declined',
  'missed',
  'cancelled',
  'unreachable',
  'failed',
  'answeredElsewhere',
  'busy',
  /** A phone called in and no agent was Available to ring (issue 24): the phone says so. */
  'noAgentAvailable',
] as const;
export type EndReason = (typeof END_REASONS)[number];

export const DIRECTIONS = ['outbound', 'inbound'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/** Who caused a timeline entry: the console, a phone, the server itself (timers, restarts) or APNs. */
export const EVENT_SOURCES = ['agent', 'device', 'server', 'apns'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/**
 * One device's part in a ring-all call. `pending` means a push is in flight and the phone has not
 * yet proved it rang; only the phone's own `reported` moves a leg to `ringing`.
 */
export const LEG_STATES = ['pending', 'ringing', 'answered', 'ended'] as const;
export type LegState = (typeof LEG_STATES)[number];

export const legSchema = z.object({
  deviceId: entityId,
  state: z.enum(LEG_STATES),
  endReason: z.enum(END_REASONS).nullable(),
});
export type Leg = z.infer<typeof legSchema>;

/**
 * Every event a call's timeline can hold. `push:<outcome>` entries are APNs answers (one per
 * attempt); the rest are state-machine steps, named after what happened.
 */
export const TIMELINE_EVENTS = [
  'placed',
  'reported',
  'answered',
  'accepted',
  'connected',
  'held',
  'resumed',
  'muted',
  'unmuted',
  'declined',
  'unreachable',
  'hangup',
  'timeout',
  'busy',
  'failed',
  /** A phone called in and no agent was Available: nobody rang; its detail says whether anyone was online. */
  'noAgentAvailable',
  'ended',
  /** A transfer to another agent (transfer.ts): asked, accepted (a warm one consults), and how it ended. */
  'transfer:requested',
  'transfer:accepted',
  'transfer:declined',
  'transfer:missed',
  'transfer:cancelled',
  'transfer:completed',
  /** Written with the call before its VoIP pushes go out: after a crash, which phones may ring. */
  'push:sending',
  'push:accepted',
  'push:tokenInvalid',
  'push:retryable',
  'push:configError',
  /**
   * A while after its push went out (`--not-rung-after`, 5 s), the phone has not reported ringing
   * (issue 25 item 7): `detail` says whether APNs had accepted the push by then.
   */
  'notRungYet',
  /** No phone rang in time, so the call also rings the staff member's fallback (`actorId`). */
  'fallback',
] as const;
export type TimelineEvent = (typeof TIMELINE_EVENTS)[number];

export const timelineEntrySchema = z.object({
  at: epochMs,
  event: z.enum(TIMELINE_EVENTS),
  source: z.enum(EVENT_SOURCES),
  /** The device or agent the entry is about, so the console can say "ringing on Ana's iPhone". */
  actorId: entityId.nullable(),
  detail: z.string().max(500).nullable(),
});
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** How APNs answered one push. "accepted" means APNs took it, not that the phone rang. */
export const PUSH_OUTCOMES = ['accepted', 'tokenInvalid', 'retryable', 'configError'] as const;
export type PushOutcome = (typeof PUSH_OUTCOMES)[number];

export const pushRecordSchema = z.object({
  deviceId: entityId,
  kind: z.enum(['call', 'cancel']),
  at: epochMs,
  apnsId: z.string().max(64).nullable(),
  status: z.number().int().nullable(),
  reason: z.string().max(200).nullable(),
  outcome: z.enum(PUSH_OUTCOMES),
  attempt: z.number().int().positive(),
  latencyMs: z.number().nonnegative(),
});
export type PushRecord = z.infer<typeof pushRecordSchema>;

export const NOTE_MAX_LENGTH = 2000;

/**
 * What a call's agent wrote down about it (issue 24 item 3, wrapup.ts): on calls as history
 * returns them; never sent to phones.
 */
export const wrapUpSchema = z.object({
  note: z.string().max(NOTE_MAX_LENGTH),
  dispositionId: entityId.nullable(),
  /** As the disposition was named when chosen: history outlives a rename or a removal. */
  dispositionName: z.string().max(60).nullable(),
  /** Who wrote it (the call's agent) and when it was last saved. */
  agentId: entityId,
  updatedAt: epochMs,
});
export type WrapUp = z.infer<typeof wrapUpSchema>;

export const callSchema = z.object({
  id: callId,
  direction: z.enum(DIRECTIONS),
  /** The agent who placed the call, or who accepted an inbound one (null until then). */
  agentId: entityId.nullable(),
  /**
   * An inbound call rings only the agents who were Available when it came in: these. Absent on
   * calls from before availability (they rang every console).
   */
  offeredTo: z.array(entityId).max(1000).optional(),
  staffId: entityId,
  devices: z.array(legSchema),
  /** What the phone's call screen shows as the remote party's handle. */
  handle: z.string().max(64),
  callerName: z.string().max(120),
  video: z.boolean(),
  state: z.enum(CALL_STATES),
  endReason: z.enum(END_REASONS).nullable(),
  createdAt: epochMs,
  /** Push deadline: a phone that learns of the call after this is not rung. */
  ringUntil: epochMs,
  answeredAt: epochMs.nullable(),
  endedAt: epochMs.nullable(),
  answeredByDeviceId: entityId.nullable(),
  held: z.boolean(),
  muted: z.boolean(),
  timeline: z.array(timelineEntrySchema),
  pushes: z.array(pushRecordSchema),
  /**
   * Every hand-over to another agent, the live one last (transfer.ts). Absent on calls stored
   * before transfers existed, and read through `transfersOf`.
   */
  transfers: z.array(transferSchema).max(MAX_TRANSFERS).optional(),
  /** The agent's note and disposition: filled in by history, absent elsewhere. */
  wrapUp: wrapUpSchema.nullable().optional(),
});
export type Call = z.infer<typeof callSchema>;

export const isLive = (call: Pick<Call, 'state'>): boolean => call.state !== 'ended';
