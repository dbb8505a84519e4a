import { DEVICE_FEATURES, ERROR_CODES, type ErrorCode, PROTOCOL_VERSION } from '#shared';

/**
 * A refused handshake. Socket.IO hands the client `message` as `connect_error`'s message and
 * `data` as its `data`, so a client can switch on `data.code` and show the message as it is.
 */
export function handshakeError(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(`${code}: ${message}`), { data: { code, message } });
}

/**
 * The version check comes before the credentials: a client from another protocol version may not
 * even shape its credentials the same way, and its user needs to know which side to update.
 */
export function protocolMismatch(auth: unknown, client: 'console' | 'app'): Error | null {
  const claimed = (auth as { protocol?: unknown } | null)?.protocol;
  if (claimed === PROTOCOL_VERSION) return null;
  if (typeof claimed !== 'number') {
    return handshakeError(
      ERROR_CODES.PROTOCOL_MISMATCH,
      `this ${client} does not say which protocol it speaks (the server speaks version ${PROTOCOL_VERSION}); update the ${client}`,
    );
  }
  const update = claimed < PROTOCOL_VERSION ? `the ${client}` : 'the server';
  return handshakeError(
    ERROR_CODES.PROTOCOL_MISMATCH,
    `this ${client} speaks protocol version ${claimed} and the server version ${PROTOCOL_VERSION}; update ${update}`,
  );
}

/**
 * An app newer than its server announces what the server does not know yet (`features`): that is
 * a version mismatch to fix by updating the server, never UNAUTHORIZED, on which the app forgets
 * its pairing (it means "unpaired from the console").
 */
export function unknownFeatures(auth: unknown): Error | null {
  const features = (auth as { features?: unknown } | null)?.features;
  if (!Array.isArray(features)) return null;
  const known: readonly unknown[] = DEVICE_FEATURES;
  const unknown = features.filter((f) => !known.includes(f));
  if (unknown.length === 0) return null;
  return handshakeError(
    ERROR_CODES.PROTOCOL_MISMATCH,
    `this app can do what this server does not know (${unknown.map(String).join(', ')}); update the server`,
  );
}
