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

/** SHA-256 of a certificate's DER, as pairing links carry it: 64 lowercase hex digits. */
export const CERTIFICATE_FINGERPRINT_PATTERN = /^[0-9a-f]{64}$/;

/**
 * `switchboard://pair?server=<url>&code=<code>[&fp=<fingerprint>]`: what the QR code on the
 * console encodes. `fp` is the SHA-256 of the server's certificate (DER, lowercase hex), present
 * only for a server whose certificate no public CA vouches for (the desktop app's own): the phone
 * pins it and refuses any other certificate at that address.
 */
export function pairingUrl(server: string, code: string, fingerprint?: string | null): string {
  const params = new URLSearchParams({ server, code });
  if (fingerprint) {
    if (!CERTIFICATE_FINGERPRINT_PATTERN.test(fingerprint)) {
      throw new Error('a certificate fingerprint is 64 lowercase hex digits (SHA-256 of the DER)');
    }
    params.set('fp', fingerprint);
  }
  return `switchboard://pair?${params.toString()}`;
}
