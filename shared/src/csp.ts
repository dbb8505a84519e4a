/**
 * The console's Content-Security-Policy, one definition for both places that serve the console:
 * the call server (the web console, server/src/http/web.ts) and the desktop app
 * (app://switchboard, desktop/main/security.ts). Only `connect-src` differs between them: the
 * page's own server ('self' and its WebSocket) for the web console, the one call server it uses
 * for the desktop app. Everything else is the same rule: a Vite-built React app's own scripts and
 * styles (React sets styles through the CSSOM, which CSP does not govern, so no 'unsafe-inline'),
 * QR codes as data: images, a call's snapshots as blob: images (fetched with the session's token,
 * which an <img> cannot send), the ringtone from a blob: or data: URL, and nothing that frames,
 * embeds, submits a form away or starts a worker.
 */
export type CspDirectives = Readonly<Record<string, readonly string[]>>;

const CONSOLE_DIRECTIVES = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'media-src': ["'self'", 'blob:', 'data:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  // Every form of the console is handled by script (preventDefault): none submits anywhere.
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'worker-src': ["'none'"],
} as const satisfies CspDirectives;

/** The console's directives, with `connect` added to 'self' in `connect-src`. */
export function consoleCspDirectives<T = string>(
  connect: readonly T[] = [],
): Record<keyof typeof CONSOLE_DIRECTIVES, readonly (string | T)[]> {
  return { ...CONSOLE_DIRECTIVES, 'connect-src': [...CONSOLE_DIRECTIVES['connect-src'], ...connect] };
}

/** `name source source; name source`, as the header carries it. */
export function serializeCsp(directives: CspDirectives): string {
  return Object.entries(directives)
    .map(([name, sources]) => [name, ...sources].join(' '))
    .join('; ');
}
