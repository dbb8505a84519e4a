import { z } from 'zod';
import { entityId, epochMs } from './call';
import { deviceFeaturesSchema } from './video';

export const APNS_ENVIRONMENTS = ['sandbox', 'production'] as const;
export type ApnsEnvironment = (typeof APNS_ENVIRONMENTS)[number];

/**
 * online: its socket is connected. reachable: not connected, but holds a valid VoIP token.
 * unreachable: neither, so a call cannot ring it. busy: it is in a live call.
 */
/**
 * The iOS microphone permission as the phone last reported it (`permissions:report`). Without
 * it a call connects and is silent: the roster shows the phone as not healthy.
 */
export const MICROPHONE_PERMISSIONS = ['granted', 'denied', 'undetermined'] as const;
export type MicrophonePermission = (typeof MICROPHONE_PERMISSIONS)[number];

export const PRESENCES = ['online', 'reachable', 'unreachable', 'busy'] as const;
export type Presence = (typeof PRESENCES)[number];

/** E.164: a plus, a country code and up to 15 digits in all. */
const E164_MESSAGE = 'expected an E.164 number such as +15551234567';
export const e164 = z
  .string()
  .max(16, E164_MESSAGE)
  .regex(/^\+[1-9]\d{1,14}$/, E164_MESSAGE);

export const pushTokenStatusSchema = z.object({
  present: z.boolean(),
  updatedAt: epochMs.nullable(),
  /** Set when APNs said the token is dead (410 Unregistered, BadDeviceToken, wrong topic). */
  invalidAt: epochMs.nullable(),
  invalidReason: z.string().max(200).nullable(),
  environment: z.enum(APNS_ENVIRONMENTS).nullable(),
  /**
   * A VoIP token belongs to one device record: when another record registered this one's token
   * (the phone was paired again), this record lost it to that one, named here.
   */
  movedTo: z.object({ deviceId: entityId, name: z.string().max(120) }).nullable(),
});

export const deviceEntrySchema = z.object({
  id: entityId,
  staffId: entityId,
  name: z.string().max(120),
  model: z.string().max(120),
  osVersion: z.string().max(40),
  appVersion: z.string().max(40),
  presence: z.enum(PRESENCES),
  token: pushTokenStatusSchema,
  /** Null until the app reports it (an app from before the report). */
  microphone: z.enum(MICROPHONE_PERMISSIONS).nullable(),
  /**
   * What the phone's app announced it can do beyond voice when it last connected (`['video']`),
   * so the console offers only what the phone can do. Null until it connects to a server that
   * keeps it; absent from older servers.
   */
  features: deviceFeaturesSchema.nullable().optional(),
  pairedAt: epochMs,
  lastSeenAt: epochMs.nullable(),
});
export type DeviceEntry = z.infer<typeof deviceEntrySchema>;

export const staffEntrySchema = z.object({
  id: entityId,
  name: z.string().min(1).max(80),
  handle: e164.nullable(),
  devices: z.array(deviceEntrySchema),
  /** Also rung when none of their phones rings in time (issue 25 item 7); absent from older servers. */
  fallbackStaffId: entityId.nullable().optional(),
});
export type StaffEntry = z.infer<typeof staffEntrySchema>;

export const rosterSnapshotSchema = z.object({ staff: z.array(staffEntrySchema) });
export const rosterChangedSchema = z.object({
  staff: z.array(staffEntrySchema),
  removedStaffIds: z.array(entityId),
});

export const directoryEntrySchema = z.object({
  number: e164,
  label: z.string().max(80).nullable(),
  blocked: z.boolean(),
});
export type DirectoryEntry = z.infer<typeof directoryEntrySchema>;
