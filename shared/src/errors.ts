/**
 * Every failure the server can put in an ack. Clients switch on the code, never on the message,
 * and the Swift app mirrors this list, so adding one is a protocol change.
 */
export const ERROR_CODES = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  /** The event is not a valid next step for the call's current state; nothing changed. */
  INVALID_TRANSITION: 'INVALID_TRANSITION',
  /** The call is over; the phone should end any CallKit call it still shows for it. */
  CALL_ENDED: 'CALL_ENDED',
  /** Another device or agent answered first. */
  ANSWERED_ELSEWHERE: 'ANSWERED_ELSEWHERE',
  BUSY: 'BUSY',
  CONFLICT: 'CONFLICT',
  RATE_LIMITED: 'RATE_LIMITED',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  PAIRING_CODE_INVALID: 'PAIRING_CODE_INVALID',
  /** The handshake's protocol version differs from the server's; the message says which side to update. */
  PROTOCOL_MISMATCH: 'PROTOCOL_MISMATCH',
  /** No answer in time: the server is unreachable, or the ack was lost. Safe to retry. */
  UNAVAILABLE: 'UNAVAILABLE',
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export const ERROR_CODE_LIST = Object.values(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
