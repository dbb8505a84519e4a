import { z } from 'zod';
import { callId, entityId, epochMs } from './call';

/**
 * The wire of video in a call (issue 27). Video is an upgrade of an answered voice call, carried
 * on the call's own peer connection: the console always makes the offers (as for voice), so an
 * upgrade or a downgrade is one more offer/answer from the same session over `rtc:signal`, and
 * the audio track never stops. The server holds each call's video state and is its only
 * authority; both sides learn it from `video:changed` and act on it:
 *
 * - the agent asks (`video:request`), the phone shows its prompt and answers (`video:report`
 *   `accepted` or `declined`); staff may also start it themselves (`video:report started`);
 * - once the state is `on`, the console re-offers with a video transceiver (receive only, or
 *   send-receive when the agent's camera is on too: `video:camera`); the phone's answerer adds its
 *   camera track to that transceiver in its answer;
 * - `paused` is the phone's camera held (no renegotiation: the track stays, frames stop);
 * - either side stops it (`video:stop`, `video:report stopped`): the console re-offers with the
 *   video transceiver inactive and the phone removes its camera track;
 * - the agent points at a spot (`video:marker`, normalised 0–1 from the picture's top left) and
 *   the phone draws it on its preview.
 *
 * A phone announces that it can send video in its handshake (`features: ['video']`); the server
 * never asks one that did not (FORBIDDEN, saying so), so an older app is never sent a prompt it
 * cannot show. Spread into events.ts' maps.
 */

/**
 * What a phone can do beyond the base protocol, announced in its `/device` handshake:
 * - `video`: it can send its camera (above);
 * - `reportAcks`: it takes a `call:report`'s ack, which carries the call as that report left it,
 *   as the call's change: the server sends the socket that reported no `call:changed` of its
 *   own for that change (the phone's other sockets, and everyone else, get it as before). Three
 *   whole calls fewer to the phone per call it answers (`reported`, `answered`, `connected`).
 */
export const DEVICE_FEATURES = ['video', 'reportAcks'] as const;
export type DeviceFeature = (typeof DEVICE_FEATURES)[number];
export const deviceFeaturesSchema = z.array(z.enum(DEVICE_FEATURES)).max(DEVICE_FEATURES.length);

export const VIDEO_STATES = ['off', 'requested', 'on', 'paused'] as const;
export type VideoStateName = (typeof VIDEO_STATES)[number];

export const VIDEO_SIDES = ['agent', 'phone'] as const;
export type VideoSide = (typeof VIDEO_SIDES)[number];

/** Why video went (back) to `off`. */
export const VIDEO_OFF_REASONS = [
  /** Staff said no to the agent's request. */
  'declined',
  /** The agent withdrew a request before staff answered. */
  'cancelled',
  /** Nobody answered the request within VIDEO_REQUEST_TIMEOUT_MS. */
  'unanswered',
  /** One side stopped it (`by` says which). */
  'stopped',
  /** The call was put on hold: the camera stops with the voice. */
  'held',
  /** The call went to another agent, whose console has no video of it yet. */
  'transferred',
  // No `disconnected`: a phone whose socket stays closed past the reconnect grace ends the call
  // itself (`failed`), and a call's end forgets its video, so no state could ever carry it.
] as const;
export type VideoOffReason = (typeof VIDEO_OFF_REASONS)[number];

export const CAMERAS = ['back', 'front'] as const;
export type Camera = (typeof CAMERAS)[number];

/** How long a request waits for staff before it lapses (`unanswered`). */
export const VIDEO_REQUEST_TIMEOUT_MS = 30_000;

/** The team's cap on a phone's video bitrate, in kbit/s, and its bounds. */
export const VIDEO_KBPS = { min: 150, max: 4_000, default: 1_200 } as const;
const kbps = z.number().int().min(VIDEO_KBPS.min).max(VIDEO_KBPS.max);

/** One call's video, as `video:changed` carries it and the video requests answer it. */
export const videoStateSchema = z.object({
  callId,
  state: z.enum(VIDEO_STATES),
  /** Who made the latest change (null: nobody yet, or the server itself). */
  by: z.enum(VIDEO_SIDES).nullable(),
  /** Why it is `off`; null otherwise, and before video was ever asked. */
  reason: z.enum(VIDEO_OFF_REASONS).nullable(),
  /** Which of the phone's cameras streams (null while it sends none). */
  camera: z.enum(CAMERAS).nullable(),
  /** The agent's camera goes to the phone too (two-way video). */
  agentCamera: z.boolean(),
  /** The phone caps its video encoder to this (the team's setting when the call began). */
  maxKbps: kbps,
  /** The agent may take snapshots (the team's setting). */
  snapshots: z.boolean(),
  at: epochMs,
});
export type VideoState = z.infer<typeof videoStateSchema>;

/** What staff did on the phone; `camera` says which one streams after it. */
export const VIDEO_REPORT_EVENTS = [
  'accepted',
  'declined',
  'started',
  'paused',
  'resumed',
  'stopped',
  'switched',
] as const;
export type VideoReportEvent = (typeof VIDEO_REPORT_EVENTS)[number];

export const videoReportSchema = z
  .object({
    callId,
    event: z.enum(VIDEO_REPORT_EVENTS),
    camera: z.enum(CAMERAS).optional(),
  })
  .refine((r) => r.event !== 'switched' || r.camera !== undefined, {
    message: 'switched needs the camera it switched to',
    path: ['camera'],
  });
export type VideoReport = z.infer<typeof videoReportSchema>;

/** A point on the picture as it was sent: 0–1 from its left and top edges. */
const unit = z.number().min(0).max(1);
export const videoMarkerRequestSchema = z.object({ callId, x: unit, y: unit });
/** The marker as the phone gets it; it shows for VIDEO_MARKER_SHOW_MS unless a newer one comes. */
export const videoMarkerSchema = z.object({ callId, x: unit, y: unit, at: epochMs });
export type VideoMarker = z.infer<typeof videoMarkerSchema>;
export const VIDEO_MARKER_SHOW_MS = 4_000;

/** The team's video settings (admins change them). */
export const videoSettingsSchema = z.object({ snapshots: z.boolean(), maxKbps: kbps });
export type VideoSettings = z.infer<typeof videoSettingsSchema>;

/** A snapshot the agent took of the phone's video, kept with the call. */
export const snapshotSchema = z.object({
  id: entityId,
  // Not `callId`: an HTTP reply is encoded by its schema, which a lowercasing transform cannot be.
  callId: entityId,
  agentId: entityId,
  takenAt: epochMs,
  width: z.number().int().positive().max(8192),
  height: z.number().int().positive().max(8192),
  bytes: z.number().int().positive(),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

/** The largest snapshot accepted (a 1920×1080 JPEG at quality 0.9 is about 600 KB). */
export const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024;
/** Base64 in JSON: 4 characters per 3 bytes, and room for the rest of the body. */
export const MAX_SNAPSHOT_BODY_BYTES = Math.ceil(MAX_SNAPSHOT_BYTES / 3) * 4 + 1024;
export const snapshotUploadSchema = z.object({
  /** The JPEG, base64 (no `data:` prefix). */
  jpeg: z
    .string()
    .min(4)
    .max(MAX_SNAPSHOT_BODY_BYTES - 1024)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'expected base64'),
  width: snapshotSchema.shape.width,
  height: snapshotSchema.shape.height,
});

const callRef = z.object({ callId });

export const videoAgentRequests = {
  /** Ask the phone for its camera (FORBIDDEN when it did not announce video). */
  'video:request': callRef,
  /** Stop the phone's video, or withdraw the request. */
  'video:stop': callRef,
  /** Send the agent's own camera too (two-way), or stop it. */
  'video:camera': z.object({ callId, on: z.boolean() }),
  'video:marker': videoMarkerRequestSchema,
  /** The snapshots of a call, for its history entry. */
  'video:snapshots': callRef,
  'video:settings': z.object({}),
  'video:configure': videoSettingsSchema,
} as const;

export const videoAgentAcks = {
  'video:request': videoStateSchema,
  'video:stop': videoStateSchema,
  'video:camera': videoStateSchema,
  'video:marker': z.null(),
  'video:snapshots': z.object({ snapshots: z.array(snapshotSchema).max(500) }),
  'video:settings': videoSettingsSchema,
  'video:configure': videoSettingsSchema,
} as const satisfies { [K in keyof typeof videoAgentRequests]: z.ZodType };

export const videoDeviceRequests = { 'video:report': videoReportSchema } as const;
export const videoDeviceAcks = { 'video:report': videoStateSchema } as const;

export const videoAgentBroadcasts = {
  'video:changed': videoStateSchema,
  /** An admin changed the team's video settings. */
  'video:configured': videoSettingsSchema,
} as const;
export const videoDeviceBroadcasts = {
  'video:changed': videoStateSchema,
  'video:marker': videoMarkerSchema,
} as const;
