import type { z } from 'zod';
import { errorBodySchema } from './ack';
import { ERROR_CODES, type ErrorCode } from './errors';
import { loginResponseSchema } from './http';
import { describeZodError } from './validation';

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
  const url = new URL('/api/login', serverUrl);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : '';
    throw new LoginError(
      ERROR_CODES.UNAVAILABLE,
      `cannot reach a server at ${url.origin}${why ? ` (${why})` : ''}`,
      null,
      'the server cannot be reached',
    );
  }
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const refusal = errorBodySchema.safeParse((body as { error?: unknown } | null)?.error);
    const [code, reason] = refusal.success
      ? [refusal.data.code, refusal.data.message]
      : [res.status >= 500 ? ERROR_CODES.INTERNAL : ERROR_CODES.BAD_REQUEST, `HTTP ${res.status}`];
    throw new LoginError(
      code,
      `sign-in as "${name}" at ${url.origin} refused: ${reason}`,
      res.status,
      reason,
    );
  }
  const session = loginResponseSchema.safeParse(body);
  if (!session.success) {
    throw new LoginError(
      ERROR_CODES.INTERNAL,
      `${url.origin} answered the sign-in with something that is not a session (${describeZodError(session.error)}); is it a Switchboard server of this version?`,
      res.status,
      'the server sent an unexpected answer',
    );
  }
  return session.data;
}
