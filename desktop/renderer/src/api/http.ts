import { z } from 'zod';
import { type ErrorBody, errorBodySchema, LoginError, login as signIn } from '#shared';
import type { Session } from './session';

const errorEnvelope = z.object({ error: errorBodySchema });

/** Reads the server's `{error: {code, message}}` shape, or describes what came back instead. */
export async function readError(res: Response): Promise<ErrorBody> {
  const body = await res.json().catch(() => null);
  const parsed = errorEnvelope.safeParse(body);
  if (parsed.success) return parsed.data.error;
  return {
    code: res.status >= 500 ? 'INTERNAL' : 'BAD_REQUEST',
    message: `the server answered ${res.status}`,
  };
}

export type LoginResult = { ok: true; session: Session } | { ok: false; error: ErrorBody };

/** Sign-in through the one `login()` every client uses, its failure as the console shows it. */
export async function login(baseUrl: string, name: string, password: string): Promise<LoginResult> {
  try {
    return { ok: true, session: await signIn(baseUrl, name, password) };
  } catch (err) {
    if (!(err instanceof LoginError)) throw err;
    return { ok: false, error: { code: err.code, message: err.reason } };
  }
}

/** Best effort: the session is forgotten locally whatever the server says. */
export async function logout(baseUrl: string, token: string): Promise<void> {
  await fetch(new URL('/api/logout', baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => undefined);
}
