import { z } from 'zod';
import { entityId, epochMs } from './call';
import { displayName } from './names';
import { APNS_ENVIRONMENTS } from './roster';
import { ROLES } from './team';

export const loginRequestSchema = z.object({
  name: displayName(80),
  password: z.string().min(1).max(200),
});
export const loginResponseSchema = z.object({
  token: z.string(),
  agentId: entityId,
  name: z.string(),
  /** What the console may show; the server checks the role again on every request. */
  role: z.enum(ROLES),
  expiresAt: epochMs,
});

/** Pairing codes: 10 characters of Crockford base32 = 50 bits, well above DESIGN's 40. */
export const PAIRING_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{10}$/;

export const pairRequestSchema = z.object({
  code: z
    .string()
    .transform((c) => c.replace(/[\s-]/g, '').toUpperCase())
    .pipe(z.string().regex(PAIRING_CODE_PATTERN, 'a pairing code is 10 letters and digits')),
  name: displayName(120),
  model: z.string().min(1).max(120),
  osVersion: z.string().min(1).max(40),
  appVersion: z.string().min(1).max(40),
  /** Where the VoIP topic comes from: APNs rejects a push whose topic is not `<bundleId>.voip`. */
  bundleId: z
    .string()
    .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, 'expected a bundle id such as com.example.app'),
  apnsEnvironment: z.enum(APNS_ENVIRONMENTS),
});
export const pairResponseSchema = z.object({
  deviceId: entityId,
  deviceSecret: z.string(),
  staffId: entityId,
});

/** `switchboard://pair?server=<url>&code=<code>`: what the QR code on the console encodes. */
export function pairingUrl(server: string, code: string): string {
  const params = new URLSearchParams({ server, code });
  return `switchboard://pair?${params.toString()}`;
}
