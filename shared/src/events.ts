import { z } from 'zod';
import { type Ack, type AckCallback, ackSchema } from './ack';
import { type Call, callId, callSchema, DIRECTIONS, END_REASONS, entityId, epochMs } from './call';
import {
  APNS_ENVIRONMENTS,
  directoryEntrySchema,
  e164,
  rosterChangedSchema,
  rosterSnapshotSchema,
} from './roster';

// MARK: - Handshakes

export const agentAuthSchema = z.object({ token: z.string().min(16).max(200) });
export const deviceAuthSchema = z.object({
  deviceId: entityId,
  secret: z.string().min(16).max(200),
});

// MARK: - WebRTC signaling (relayed only between a call's own parties)

export const rtcSignalSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), sdp: z.string().max(20_000) }),
  z.object({ type: z.literal('answer'), sdp: z.string().max(20_000) }),
  z.object({
    type: z.literal('candidate'),
    candidate: z.string().max(2_000),
    sdpMid: z.string().max(64).nullable(),
    sdpMLineIndex: z.number().int().nonnegative().nullable(),
  }),
  z.object({ type: z.literal('bye') }),
]);
export type RtcSignal = z.infer<typeof rtcSignalSchema>;
export const rtcSignalRequestSchema = z.object({ callId, signal: rtcSignalSchema });
export const rtcSignalBroadcastSchema = z.object({ callId, from: entityId, signal: rtcSignalSchema });

// MARK: - agent → server requests

const callRef = z.object({ callId });
const toggle = z.object({ callId, on: z.boolean() });

export const agentRequests = {
  'staff:create': z.object({ name: z.string().trim().min(1).max(80), handle: e164.optional() }),
  'staff:update': z.object({
    staffId: entityId,
    name: z.string().trim().min(1).max(80).optional(),
    handle: e164.nullable().optional(),
  }),
  'staff:remove': z.object({ staffId: entityId }),
  'pairing:create': z.object({ staffId: entityId }),
  'call:place': z.union([
    z.object({ staffId: entityId, video: z.boolean().default(false) }).strict(),
    z.object({ deviceId: entityId, video: z.boolean().default(false) }).strict(),
  ]),
  'call:accept': callRef,
  'call:decline': callRef,
  'call:hangup': callRef,
  'call:hold': toggle,
  'call:mute': toggle,
  'rtc:signal': rtcSignalRequestSchema,
  'directory:set': z.object({ entries: z.array(directoryEntrySchema).max(10_000) }),
  'history:query': z.object({
    staffId: entityId.optional(),
    direction: z.enum(DIRECTIONS).optional(),
    outcome: z.enum(END_REASONS).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
} as const;

// MARK: - device → server requests

export const DEVICE_REPORT_EVENTS = [
  'reported',
  'answered',
  'connected',
  'held',
  'resumed',
  'muted',
  'unmuted',
  'ended',
] as const;
export type DeviceReportEvent = (typeof DEVICE_REPORT_EVENTS)[number];

export const deviceRequests = {
  'device:update': z.object({
    voipToken: z.string().regex(/^[0-9a-f]{64,200}$/, 'expected the PushKit token as lowercase hex'),
    apnsEnvironment: z.enum(APNS_ENVIRONMENTS),
    appVersion: z.string().min(1).max(40),
    osVersion: z.string().min(1).max(40),
  }),
  'call:report': z
    .object({
      callId,
      event: z.enum(DEVICE_REPORT_EVENTS),
      /** Only with `ended`: `declined` when the user rejected a ringing call. */
      reason: z.enum(END_REASONS).optional(),
      at: epochMs,
      /** Counts from 1 per call on the phone, so the server can drop replays. */
      seq: z.number().int().positive(),
    })
    .refine((r) => r.reason === undefined || r.event === 'ended', {
      message: 'reason is only allowed with event "ended"',
      path: ['reason'],
    }),
  /**
   * `callId` is the phone's own CallKit UUID for the call, so both sides share one id and a
   * retried start is recognised instead of placing a second call.
   */
  'call:start': z.object({ video: z.boolean().default(false), callId: callId.optional() }),
  /** On every wake: which of these calls (and of all of mine) are still live? */
  'call:sync': z.object({ callIds: z.array(callId).max(50).default([]) }),
  'rtc:signal': rtcSignalRequestSchema,
} as const;

// MARK: - server → client broadcasts

export const callChangedSchema = z.object({ call: callSchema });
export const callCancelledSchema = z.object({ callId, reason: z.enum(END_REASONS) });
export const directoryChangedSchema = z.object({ version: z.number().int().nonnegative() });

export const agentBroadcasts = {
  'roster:snapshot': rosterSnapshotSchema,
  'roster:changed': rosterChangedSchema,
  'call:changed': callChangedSchema,
  'call:incoming': callChangedSchema,
  'rtc:signal': rtcSignalBroadcastSchema,
} as const;

export const deviceBroadcasts = {
  'call:cancelled': callCancelledSchema,
  'call:changed': callChangedSchema,
  'directory:changed': directoryChangedSchema,
  'rtc:signal': rtcSignalBroadcastSchema,
} as const;

// MARK: - ack payloads

export const pairingCreatedSchema = z.object({
  code: z.string(),
  url: z.string(),
  expiresAt: epochMs,
});
export const callSyncResultSchema = z.object({
  live: z.array(callSchema),
  ended: z.array(z.object({ callId, endReason: z.enum(END_REASONS).nullable() })),
});
export const historyPageSchema = z.object({
  calls: z.array(callSchema),
  nextCursor: z.string().nullable(),
});

export const callAckSchema = ackSchema(callSchema);

// MARK: - Typed Socket.IO maps

type Req<S extends Record<string, z.ZodType>, R extends { [K in keyof S]: unknown }> = {
  [K in keyof S]: (payload: z.input<S[K]>, ack: AckCallback<R[K]>) => void;
};
type Bcast<S extends Record<string, z.ZodType>> = {
  [K in keyof S]: (payload: z.infer<S[K]>) => void;
};

export interface AgentAckData {
  'staff:create': z.infer<typeof rosterSnapshotSchema>['staff'][number];
  'staff:update': z.infer<typeof rosterSnapshotSchema>['staff'][number];
  'staff:remove': { staffId: string };
  'pairing:create': z.infer<typeof pairingCreatedSchema>;
  'call:place': Call;
  'call:accept': Call;
  'call:decline': Call;
  'call:hangup': Call;
  'call:hold': Call;
  'call:mute': Call;
  'rtc:signal': null;
  'directory:set': { version: number };
  'history:query': z.infer<typeof historyPageSchema>;
}

export interface DeviceAckData {
  'device:update': null;
  'call:report': Call;
  'call:start': Call;
  'call:sync': z.infer<typeof callSyncResultSchema>;
  'rtc:signal': null;
}

export type AgentClientEvents = Req<typeof agentRequests, AgentAckData>;
export type AgentServerEvents = Bcast<typeof agentBroadcasts>;
export type DeviceClientEvents = Req<typeof deviceRequests, DeviceAckData>;
export type DeviceServerEvents = Bcast<typeof deviceBroadcasts>;

export type AgentRequestName = keyof typeof agentRequests;
export type DeviceRequestName = keyof typeof deviceRequests;
export type AgentRequest<K extends AgentRequestName> = z.infer<(typeof agentRequests)[K]>;
export type DeviceRequest<K extends DeviceRequestName> = z.infer<(typeof deviceRequests)[K]>;
export type { Ack };
