import type { IncomingMessage } from 'node:http';
import { DESKTOP_ORIGIN } from '#shared';

/**
 * Which browser origins may talk to the server, over HTTP and Socket.IO alike (one rule, so the
 * two cannot drift apart): the desktop app's, the console origins the operator configured, and
 * the server's own host (the web console it serves at `/`). A request without an Origin is not a
 * browser's cross-origin request (phones, the CLI tools, server-to-server) and is let through; what
 * protects those is the token or secret each one carries.
 */
export function originPolicy(consoleOrigins: readonly string[]) {
  const allowed = new Set([DESKTOP_ORIGIN, ...consoleOrigins.map(normalize)]);
  return {
    /** A cross-origin caller we answer with CORS headers (never the same-host console: it needs none). */
    listed: (origin: string | undefined): origin is string => origin !== undefined && allowed.has(origin),
    /** May this request, with or without an Origin, reach the API or open a socket? */
    allows(req: Pick<IncomingMessage, 'headers'>): boolean {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      return allowed.has(origin) || sameHost(origin, req.headers.host);
    },
  };
}

export type OriginPolicy = ReturnType<typeof originPolicy>;

/**
 * The console served by this server is on the host the browser addressed. Only the host is
 * compared, not the scheme: behind a TLS proxy the page is https while the request that reaches
 * the server is plain http.
 */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

/** `https://Console.Example:443/` and `https://console.example` are one origin. */
export function normalize(origin: string): string {
  return new URL(origin).origin;
}
