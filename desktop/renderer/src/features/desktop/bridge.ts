import type { LoginSession } from '#shared';
import type { DesktopApi } from '../../../../preload/api';
import { saveSession } from '../../api/session';

// The console's one look at the desktop app: `window.api`, put there by the preload. Its type is
// the preload's own (a type-only import: no preload code reaches the renderer bundle). In a
// browser there is no `window.api`, and everything here says so by returning null.

declare global {
  interface Window {
    api?: DesktopApi;
  }
}

export function desktopApi(): DesktopApi | null {
  return typeof window !== 'undefined' && window.api ? window.api : null;
}

export const isDesktop = (): boolean => desktopApi() !== null;

/** The call server this window talks to, in the desktop app; null in a browser (its own origin). */
export function desktopServerUrl(): string | null {
  return desktopApi()?.serverUrl() ?? null;
}

/**
 * On this computer's server, the desktop app signs its owner in: a session from the main
 * process, before the first render, so the console opens signed in (and kept for reloads, as a
 * typed sign-in is). Null on a team server, in a browser, or when the server is not running.
 */
export async function desktopSession(): Promise<LoginSession | null> {
  const api = desktopApi();
  if (api?.serverMode() !== 'embedded' || !api.serverUrl()) return null;
  try {
    const session = await api.ownerSession();
    saveSession(session);
    return session;
  } catch {
    return null;
  }
}
