import type { PushOutcome } from '#shared';

/** Reasons that say the token is dead for this app: drop it, never retry. */
const TOKEN_INVALID_REASONS = new Set([
  'BadDeviceToken',
  'DeviceTokenNotForTopic',
  'Unregistered',
  'ExpiredToken',
]);

/**
 * What an APNs answer means for the sender. `status` null means no answer at all (connection
 * error, GOAWAY, timeout): retryable, unless the TLS certificate was not trusted. Other 4xx (credentials, topic, a malformed request) are
 * configuration errors: retrying cannot help and the console should show them.
 */
export function classifyApnsResponse(status: number | null, reason: string | null): PushOutcome {
  if (status === 200) return 'accepted';
  if (reason !== null && TOKEN_INVALID_REASONS.has(reason)) return 'tokenInvalid';
  if (status === null) return reason?.startsWith('TlsError') ? 'configError' : 'retryable';
  if (status === 410) return 'tokenInvalid';
  if (status === 429 || status === 408 || status >= 500) return 'retryable';
  if (status === 400 && reason === 'IdleTimeout') return 'retryable';
  return 'configError';
}

const HINTS: Record<string, string> = {
  MissingProviderToken: 'no provider token was sent: configure the .p8 key, key id and team id',
  InvalidProviderToken:
    'APNs rejected the provider token: check that the key id and team id match the .p8 key, and that the key is not revoked',
  ExpiredProviderToken: "APNs says the provider token is too old: check this machine's clock",
  BadTopic: 'APNs does not know this topic: check the bundle id',
  MissingTopic: 'no topic was sent: check the bundle id',
  TopicDisallowed: 'APNs does not allow pushes to this topic: check the bundle id and the key’s team',
  BadCertificate: 'APNs rejected the credentials',
  BadCertificateEnvironment: 'the credentials are for the other APNs environment',
  Forbidden: 'APNs refused the request (403 Forbidden)',
  TlsError: "the APNs server's TLS certificate is not trusted: check the CA given for the APNs endpoint",
};

/** A sentence for the console's settings page: what APNs said and what to fix. */
export function configErrorMessage(status: number | null, reason: string, topic: string): string {
  const hint =
    HINTS[reason.split(':')[0]!] ?? `APNs refused the request${status === null ? '' : ` (${status})`}`;
  return `${reason}: ${hint} (topic ${topic})`;
}
