import { z } from 'zod';
import { type ErrorBody, errorBodySchema, loginResponseSchema } from '#shared';
import { desktopServerUrl } from '../features/desktop/bridge';
import type { Session } from './session';

/** In the web console the server is the page's own origin; the desktop app says which server it uses. */
export function defaultServerUrl(): string {
  return desktopServerUrl() ?? window.location.origin;
}

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

export async function login(baseUrl: string, name: string, password: string): Promise<LoginResult> {
  let res: Response;
  try {
    res = await fetch(new URL('/api/login', baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, password }),
    });
  } catch {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'the server cannot be reached' } };
  }
  if (!res.ok) return { ok: false, error: await readError(res) };
  const parsed = loginResponseSchema.safeParse(await res.json().catch(() => null));
  if (!parsed.success) {
    return { ok: false, error: { code: 'INTERNAL', message: 'the server sent an unexpected answer' } };
  }
  return { ok: true, session: parsed.data };
}

/** Best effort: the session is forgotten locally whatever the server says. */
export async function logout(baseUrl: string, token: string): Promise<void> {
  await fetch(new URL('/api/logout', baseUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
  }).catch(() => undefined);
}
