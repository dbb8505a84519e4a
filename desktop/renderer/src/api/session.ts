import type { z } from 'zod';
import { loginResponseSchema } from '#shared';

export type Session = z.infer<typeof loginResponseSchema>;

const KEY = 'switchboard.session';

/**
 * sessionStorage, not localStorage: a reload keeps the agent signed in, but closing the tab (or a
 * shared browser's next user) does not inherit the session.
 */
export function loadSession(now: number): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = loginResponseSchema.safeParse(JSON.parse(raw));
    if (!parsed.success || parsed.data.expiresAt <= now) {
      sessionStorage.removeItem(KEY);
      return null;
    }
    return parsed.data;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
