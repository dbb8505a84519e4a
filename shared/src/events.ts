import { z } from 'zod';
import { type Ack, type AckCallback, ackSchema } from './ack';
import { availabilityAcks, availabilityBroadcasts, availabilityRequests } from './availability';
import { callId, callSchema, DIRECTIONS, END_REASONS, entityId, epochMs, PUSH_OUTCOMES } from './call';
import { QUALITY_MARKS } from './call-quality';
import { callbackAcks, callbackBroadcasts, callbackRequests } from './callback';
import { healthAcks, healthBroadcasts, healthRequests } from './health-events';
import { displayName } from './names';
import {
  callQualitySchema,
  qualityAgentAcks,
  qualityAgentRequests,
  qualityDeviceAcks,
  qualityDeviceRequests,
} from './quality-events';
import {
  APNS_ENVIRONMENTS,
  directoryEntrySchema,
  e164,
  MICROPHONE_PERMISSIONS,
  rosterChangedSchema,
  rosterSnapshotSchema,
  staffEntrySchema,
} from './roster';
import { consoleHelloSchema, softphoneAcks, softphoneBroadcasts, softphoneRequests } from './softphone';
import { superviseAcks, superviseBroadcasts, superviseRequests } from './supervise';
import { sessionEndedSchema, sessionStatusSchema, teamAcks, teamChangedSchema, teamRequests } from './team';
import { transferAcks, transferRequests } from './transfer-events';
import { PROTOCOL_VERSION } from './version';
import {
  deviceFeaturesSchema,
  videoAgentAcks,
  videoAgentBroadcasts,
  videoAgentRequests,
  videoDeviceAcks,
  videoDeviceBroadcasts,
  videoDeviceRequests,
} from './video';
import { wrapUpAcks, wrapUpBroadcasts, wrapUpRequests } from './wrapup';

// MARK: - Handshakes

/**
 * Both handshakes carry the client's protocol version. A client built for another version is
 * refused with PROTOCOL_MISMATCH before it can misread a single event; the version is checked
 * before the credentials, so the message can say which side to update.
 */
export const protocolField = z.number().int().positive();
/**
 * What a console can do beyond what every console does, announced in its handshake. `callAcks`:
 * it takes the ack of its own call request (`call:place`, `call:accept`, `call:decline`,
 * `call:hangup`, `call:hold`, `call:mute`), which carries the call, as that change, so the server
 * sends that socket no `call:changed` for it (the agent's other consoles still hear it).
 */
export const AGENT_FEATURES = ['callAcks'] as const;
export type AgentFeature = (typeof AGENT_FEATURES)[number];
/** The requests whose acks a `callAcks` console takes as their changes. */
export const CALL_ACK_REQUESTS = [
  'call:place',
  'call:accept',
  'call:decline',
  'call:hangup',
  'call:hold',
  'call:mute',
] as const;

export const agentAuthSchema = z.object({
  token: z.string().min(16).max(200),
  protocol: protocolField,
  /** Which page this is, for the one softphone per agent (softphone.ts); absent from older consoles. */
  console: consoleHelloSchema.optional(),
  /**
   * `AGENT_FEATURES`; absent from older consoles. A name this server does not know is left out,
   * not refused: a console newer than its server goes on as one without that feature.
   */
  features: z.array(z.string().max(40)).max(16).optional(),
});
export const deviceAuthSchema = z.object({
  deviceId: entityId,
  secret: z.string().min(16).max(200),
  protocol: protocolField,
  /** What the app can do beyond voice (video.ts); absent from apps that can do nothing more. */
  features: deviceFeaturesSchema.optional(),
});
export type AgentAuth = z.infer<typeof agentAuthSchema>;
export type DeviceAuth = z.infer<typeof deviceAuthSchema>;

/** What a client puts in its handshake: its credentials and the version it speaks. */
export const agentAuth = (token: string, features?: AgentFeature[]): AgentAuth => ({
  token,
  protocol: PROTOCOL_VERSION,
  ...(features ? { features } : {}),
});
export const deviceAuth = (
  deviceId: string,
  secret: string,
  features?: z.infer<typeof deviceFeaturesSchema>,
): DeviceAuth => ({
  deviceId,
  secret,
  protocol: PROTOCOL_VERSION,
  ...(features ? { features } : {}),
});

/**
 * The largest Socket.IO message a server accepts, in bytes. A larger one closes the connection
 * before anything reads it, unanswered: every request schema fits within it at its largest
 * (shared/test/message-size.test.ts), and bulk (the caller-ID directory) goes over HTTP.
 */
export const MAX_SOCKET_MESSAGE_BYTES = 64 * 1024;

// MARK: - WebRTC signaling (relayed only between a call's own parties)

/**
 * SDP and ICE candidates are lines of printable ASCII (WebRTC's own, in browsers and libwebrtc):
 * held to it, the largest offer stays within the socket's message cap, as JSON escapes none of
 * their characters into more than two bytes.
 */
const sdpText = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[\x20-\x7e\r\n\t]*$/, 'expected SDP text: printable ASCII lines');

export const rtcSignalSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('offer'), sdp: sdpText(20_000) }),
  z.object({ type: z.literal('answer'), sdp: sdpText(20_000) }),
  z.object({
    type: z.literal('candidate'),
    candidate: sdpText(2_000),
    sdpMid: z.string().max(64).nullable(),
    sdpMLineIndex: z.number().int().nonnegative().nullable(),
  }),
  z.object({ type: z.literal('bye') }),
]);
export type RtcSignal = z.infer<typeof rtcSignalSchema>;
export const rtcSignalRequestSchema = z.object({ callId, signal: rtcSignalSchema });
export const rtcSignalBroadcastSchema = z.object({ callId, from: entityId, signal: rtcSignalSchema });

/**
 * `rtc:ice {callId}`: each party asks for its ICE servers once the call is answered (and again
 * before an ICE restart). TURN credentials are minted per party and request by the TURN REST
 * scheme (coturn's `use-auth-secret`) and expire soon: they never go on the call record, which is
 * persisted and sent to history.
 */
export const rtcIceRequestSchema = z.object({ callId });
export const iceServerSchema = z.object({
  urls: z.array(z.string().min(1).max(500)).min(1).max(10),
  username: z.string().max(200).optional(),
  credential: z.string().max(200).optional(),
});
export const ICE_TRANSPORT_POLICIES = ['all', 'relay'] as const;
export const rtcIceSchema = z.object({
  iceServers: z.array(iceServerSchema).max(10),
  /** `relay`: the server's operator wants every call through TURN. */
  iceTransportPolicy: z.enum(ICE_TRANSPORT_POLICIES),
  /** When the TURN credentials stop working (epoch ms); null when no TURN server is configured. */
  expiresAt: epochMs.nullable(),
});
export type IceServer = z.infer<typeof iceServerSchema>;
export type RtcIce = z.infer<typeof rtcIceSchema>;

// MARK: - agent → server requests

const callRef = z.object({ callId });
const toggle = z.object({ callId, on: z.boolean() });

export const agentRequests = {
  'staff:create': z.object({ name: displayName(80), handle: e164.optional() }),
  'staff:update': z.object({
    staffId: entityId,
    name: displayName(80).optional(),
    handle: e164.nullable().optional(),
    /** Also rung when none of their phones rings in time (`--not-rung-after`); null: nobody. */
    fallbackStaffId: entityId.nullable().optional(),
  }),
  'staff:remove': z.object({ staffId: entityId }),
  'pairing:create': z.object({ staffId: entityId }),
  /** Unpairs one phone: its secret stops working and its open socket closes. */
  'device:remove': z.object({ deviceId: entityId }),
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
  'rtc:ice': rtcIceRequestSchema,
  /** The directory to edit; it is saved whole over HTTP (`PUT /api/directory`, shared/directory.ts). */
  'directory:get': z.object({}),
  /**
   * On every reconnect, with the ids of the calls the console still shows: it learns how the ones
   * that ended while it was away ended (a restart, a dropped network) and what is live now.
   */
  'call:sync': z.object({ callIds: z.array(callId).max(50).default([]) }),
  'history:query': z.object({
    staffId: entityId.optional(),
    /** Calls with this disposition (issue 24 item 3). */
    dispositionId: entityId.optional(),
    direction: z.enum(DIRECTIONS).optional(),
    outcome: z.enum(END_REASONS).optional(),
    from: epochMs.optional(),
    to: epochMs.optional(),
    /** Calls whose worse end was marked so (call-quality.ts): "calls with poor audio this week". */
    quality: z.enum(QUALITY_MARKS).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
  /**
   * One VoIP push to one phone, to check the APNs set-up end to end. It is a cancel for a call id
   * nobody knows, which the iOS app reports to CallKit and ends at once (as it must report every
   * VoIP push): the phone shows nothing lasting, and its Status screen lists the push.
   */
  'push:test': z.object({ deviceId: entityId }),
  ...teamRequests,
  ...transferRequests,
  ...softphoneRequests,
  ...qualityAgentRequests,
  /**
   * The console's Network test (issue 25 item 9): ICE servers outside any call, minted for this
   * agent as `rtc:ice` mints a call's, so the console can try each STUN and TURN server (UDP, TCP,
   * TLS) with the browser's own ICE gathering and say what will not work from where it sits.
   */
  'network:ice': z.object({}),
  /**
   * A warm transfer's consultation: WebRTC signaling between the two agents' consoles (the first
   * offers, the chosen one answers), relayed only between them and only while they consult.
   */
  'consult:signal': rtcSignalRequestSchema,
  ...superviseRequests,
  /**
   * A supervision's media (supervise.ts): WebRTC signaling between the call's agent's console
   * (which offers) and the supervisor's, relayed only between them while it goes on; `supervise:ice`
   * gives either of them its ICE servers.
   */
  'supervise:signal': rtcSignalRequestSchema,
  'supervise:ice': rtcIceRequestSchema,
  ...availabilityRequests,
  ...healthRequests,
  ...wrapUpRequests,
  ...callbackRequests,
  ...videoAgentRequests,
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
    voipToken: z
      .string()
      .max(200, 'expected the PushKit token as lowercase hex')
      .regex(/^[0-9a-f]{64,200}$/, 'expected the PushKit token as lowercase hex'),
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
  'rtc:ice': rtcIceRequestSchema,
  /**
   * The phone's permissions that decide whether a call works: on every connect until
   * acknowledged, and whenever one changes. A phone whose microphone is denied rings and connects
   * in silence, so the console shows it.
   */
  'permissions:report': z.object({ microphone: z.enum(MICROPHONE_PERMISSIONS) }),
  /**
   * The phone unpairs itself (its Unpair button): the server forgets the device record, closes its
   * sockets and stops pushing to it, as an admin's `device:remove` does.
   */
  'device:unpair': z.object({}),
  ...qualityDeviceRequests,
  ...videoDeviceRequests,
} as const;

// MARK: - server → client broadcasts

export const callChangedSchema = z.object({ call: callSchema });
export const callCancelledSchema = z.object({ callId, reason: z.enum(END_REASONS) });
export const directoryChangedSchema = z.object({ version: z.number().int().nonnegative() });

/**
 * What a console must know of the server itself: whether VoIP pushes can go out at all, the last
 * configuration error APNs gave (a bad key, a wrong team id), so it can say what to fix, and
 * whether the server can save (a full disk), which every call needs.
 */
export const serverStatusSchema = z.object({
  protocol: z.number().int().positive(),
  apns: z.object({
    configured: z.boolean(),
    /** APNs refused the credentials or topic; cleared by the next accepted push. */
    lastError: z
      .object({
        status: z.number().int().nullable(),
        reason: z.string().max(200),
        /** What to fix, in words. */
        message: z.string().max(500),
        at: epochMs,
      })
      .nullable(),
  }),
  /** A write failed for the storage's sake in the last minute: `problem` says why (`disk full`). */
  storage: z
    .object({ ok: z.boolean(), problem: z.string().max(200).nullable(), since: epochMs.nullable() })
    .optional(),
  /** How long a silent phone's call waits before the staff member's fallback rings (`--not-rung-after`). */
  notRungAfterMs: z.number().int().positive().optional(),
});
export type ServerStatus = z.infer<typeof serverStatusSchema>;

export const agentBroadcasts = {
  'server:status': serverStatusSchema,
  'roster:snapshot': rosterSnapshotSchema,
  'roster:changed': rosterChangedSchema,
  'call:changed': callChangedSchema,
  'call:incoming': callChangedSchema,
  'rtc:signal': rtcSignalBroadcastSchema,
  'session:status': sessionStatusSchema,
  'session:ended': sessionEndedSchema,
  'team:changed': teamChangedSchema,
  'consult:signal': rtcSignalBroadcastSchema,
  'supervise:signal': rtcSignalBroadcastSchema,
  ...superviseBroadcasts,
  ...availabilityBroadcasts,
  ...softphoneBroadcasts,
  ...healthBroadcasts,
  ...wrapUpBroadcasts,
  ...callbackBroadcasts,
  ...videoAgentBroadcasts,
} as const;

export const deviceBroadcasts = {
  'call:cancelled': callCancelledSchema,
  'call:changed': callChangedSchema,
  'directory:changed': directoryChangedSchema,
  'rtc:signal': rtcSignalBroadcastSchema,
  ...videoDeviceBroadcasts,
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
/** Unlike a phone, a console gets ended calls whole: it shows how they ended, with the timeline. */
export const agentCallSyncResultSchema = z.object({
  live: z.array(callSchema),
  ended: z.array(callSchema),
});
export const historyPageSchema = z.object({
  calls: z.array(callSchema),
  nextCursor: z.string().nullable(),
  /** How the page's calls sounded, by call id (only those an end reported on). */
  quality: z.record(z.string(), callQualitySchema).default({}),
});
export const directorySchema = z.object({
  version: z.number().int().nonnegative(),
  entries: z.array(directoryEntrySchema),
});

/** APNs' answer to a `push:test`, with what it means in words (the console shows `message`). */
export const pushTestResultSchema = z.object({
  outcome: z.enum(PUSH_OUTCOMES),
  status: z.number().int().nullable(),
  reason: z.string().max(200).nullable(),
  apnsId: z.string().max(64).nullable(),
  latencyMs: z.number().nonnegative(),
  /** Attempts made (APNs throttling or a dropped connection is retried until the test's deadline). */
  attempts: z.number().int().positive(),
  message: z.string().max(500),
});
export type PushTestResult = z.infer<typeof pushTestResultSchema>;

/** The `data` of each agent request's ack: the server's handlers must return exactly these. */
export const agentAcks = {
  'staff:create': staffEntrySchema,
  'staff:update': staffEntrySchema,
  'staff:remove': z.object({ staffId: entityId }),
  'pairing:create': pairingCreatedSchema,
  'device:remove': z.object({ deviceId: entityId, staffId: entityId }),
  'call:place': callSchema,
  'call:accept': callSchema,
  'call:decline': callSchema,
  'call:hangup': callSchema,
  'call:hold': callSchema,
  'call:mute': callSchema,
  'rtc:signal': z.null(),
  'rtc:ice': rtcIceSchema,
  'directory:get': directorySchema,
  'call:sync': agentCallSyncResultSchema,
  'history:query': historyPageSchema,
  'push:test': pushTestResultSchema,
  ...teamAcks,
  ...transferAcks,
  ...softphoneAcks,
  ...qualityAgentAcks,
  'network:ice': rtcIceSchema,
  'consult:signal': z.null(),
  ...superviseAcks,
  'supervise:signal': z.null(),
  'supervise:ice': rtcIceSchema,
  ...availabilityAcks,
  ...healthAcks,
  ...wrapUpAcks,
  ...callbackAcks,
  ...videoAgentAcks,
} as const satisfies { [K in keyof typeof agentRequests]: z.ZodType };

export const deviceAcks = {
  'device:update': z.null(),
  'call:report': callSchema,
  'call:start': callSchema,
  'call:sync': callSyncResultSchema,
  'rtc:signal': z.null(),
  'rtc:ice': rtcIceSchema,
  'permissions:report': z.null(),
  'device:unpair': z.object({ deviceId: entityId }),
  ...qualityDeviceAcks,
  ...videoDeviceAcks,
} as const satisfies { [K in keyof typeof deviceRequests]: z.ZodType };

export const callAckSchema = ackSchema(callSchema);

// MARK: - Typed Socket.IO maps

type Req<S extends Record<string, z.ZodType>, R extends { [K in keyof S]: unknown }> = {
  [K in keyof S]: (payload: z.input<S[K]>, ack: AckCallback<R[K]>) => void;
};
type Bcast<S extends Record<string, z.ZodType>> = {
  [K in keyof S]: (payload: z.infer<S[K]>) => void;
};

export type AgentAckData = { [K in keyof typeof agentAcks]: z.infer<(typeof agentAcks)[K]> };
export type DeviceAckData = { [K in keyof typeof deviceAcks]: z.infer<(typeof deviceAcks)[K]> };

export type AgentClientEvents = Req<typeof agentRequests, AgentAckData>;
export type AgentServerEvents = Bcast<typeof agentBroadcasts>;
export type DeviceClientEvents = Req<typeof deviceRequests, DeviceAckData>;
export type DeviceServerEvents = Omit<Bcast<typeof deviceBroadcasts>, 'call:cancelled'> & {
  /**
   * The phone acknowledges a cancel it has applied (calling `ack`): the server then sends it no
   * cancel push, which iOS would make the app report to CallKit as a second, ended call. A phone
   * that does not acknowledge within the grace (or is offline) gets the push, as before.
   */
  'call:cancelled': (payload: z.infer<typeof callCancelledSchema>, ack?: () => void) => void;
};
/** The cancel over the socket a phone acknowledges, and what it carries. */
export type CallCancelledPayload = z.infer<typeof callCancelledSchema>;

export type AgentRequestName = keyof typeof agentRequests;
export type DeviceRequestName = keyof typeof deviceRequests;
export type AgentRequest<K extends AgentRequestName> = z.infer<(typeof agentRequests)[K]>;
export type DeviceRequest<K extends DeviceRequestName> = z.infer<(typeof deviceRequests)[K]>;
export type { Ack };
