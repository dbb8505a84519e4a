import { type ErrorBody, httpRequest, LoginError, login as signIn } from '#shared';
import type { Session } from './session';

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
  await httpRequest(baseUrl, 'POST /api/logout', { token });
}
