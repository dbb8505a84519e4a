import type { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './errors';
import type { loginResponseSchema } from './http';
import { httpRequest } from './http-client';

export type LoginSession = z.infer<typeof loginResponseSchema>;

/** Why a sign-in failed: `code` is the server's (UNAUTHORIZED, RATE_LIMITED…), or UNAVAILABLE/INTERNAL. */
export class LoginError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status: number | null = null,
    /** The server's own words for a refusal ("wrong name or password"), or what went wrong, alone. */
    readonly reason: string = message,
  ) {
    super(message);
    this.name = 'LoginError';
  }
}

/**
 * `POST /api/login` on `serverUrl`: the session (token, agent id, name, expiry), parsed with the
 * protocol's own schema. Throws a LoginError that says what happened: no server there, the
 * server's refusal (wrong password, too many attempts) in its own words, or an answer that is not
 * a session (another program on that port, a server of another version).
 */
export async function login(serverUrl: string, name: string, password: string): Promise<LoginSession> {
  const { origin } = new URL(serverUrl);
  const res = await httpRequest(serverUrl, 'POST /api/login', { body: { name, password } });
  if (res.ok) return res.data;
  const { error, status, detail } = res;
  if (status === null) {
    throw new LoginError(
      ERROR_CODES.UNAVAILABLE,
      `cannot reach a server at ${origin}${detail ? ` (${detail})` : ''}`,
      null,
      error.message,
    );
  }
  if (status >= 200 && status < 300) {
    throw new LoginError(
      ERROR_CODES.INTERNAL,
      `${origin} answered the sign-in with something that is not a session (${detail}); is it a Switchboard server of this version?`,
      status,
      error.message,
    );
  }
  // A refusal in the protocol's shape is in the server's words; anything else is its status.
  const reason = detail ?? error.message;
  throw new LoginError(error.code, `sign-in as "${name}" at ${origin} refused: ${reason}`, status, reason);
}
