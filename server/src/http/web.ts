import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import helmet from '@fastify/helmet';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { consoleCspDirectives } from '#shared';
import type { Logger } from '../ops/logger';
import { type WebFiles, webFiles } from './web-files';

/** Where `npm run build:web` writes: `dist/web` at the repository root, found from this file, not the cwd. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../dist/web', import.meta.url));

/** Paths that belong to the server, never to the console's client-side routes. */
const SERVER_PREFIXES = new Set(['api', 'socket.io', 'healthz', 'metrics', 'assets']);

/** Vite puts a content hash in every name under assets/, so a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html and unhashed files: revalidate every time (cheap with the ETag), so a deploy shows at once. */
const REVALIDATE = 'no-cache';

/**
 * The web console: the files of a Vite build served from `root` (only those its manifest lists:
 * web-files.ts), long-cached under `/assets/`. Client-side routes fall back to index.html in the
 * not-found handler (see `isConsoleRoute`).
 */
export function registerWebConsole(app: FastifyInstance, o: { root: string; logger: Logger }): WebFiles {
  const files = webFiles(o.root);
  if (!files.built()) {
    o.logger.warn({ webRoot: o.root }, 'the web console is not built: run npm run build:web');
  }
  // On the root instance (the plugin does not encapsulate), so the not-found handler has sendFile.
  void app.register(fastifyStatic, {
    root: o.root,
    prefix: '/',
    index: ['index.html'],
    // Checked for the path asked and again for the file chosen (index.html for `/`).
    allowedPath: (urlPath) => files.allows(urlPath),
    dotfiles: 'deny',
    // Our own cache headers below; the plugin's default would be `max-age=0` on everything.
    cacheControl: false,
    suppressWarning: true,
    setHeaders: (reply, file) => {
      const inAssets = path.relative(o.root, file).split(path.sep)[0] === 'assets';
      reply.header('cache-control', inAssets ? IMMUTABLE : REVALIDATE);
    },
  });
  return files;
}

/**
 * Helmet's headers on every response, with the console's CSP (shared/src/csp.ts, the same rule
 * the desktop app sends), whose sockets go to the host the browser addressed. Nothing may frame
 * the console.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  void app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: consoleCspDirectives([
        (req: IncomingMessage) => sameHost(req, 'ws'),
        (req: IncomingMessage) => sameHost(req, 'wss'),
      ]),
    },
    xFrameOptions: { action: 'deny' },
    // Plain HTTP on loopback or behind a TLS proxy (HSTS is the proxy's to send), or TLS with a
    // certificate phones pin by fingerprint, reached by IP address, where browsers ignore HSTS.
    strictTransportSecurity: false,
  });
}

/** Host and port as the browser addressed them; anything odd gives no source rather than a broken header. */
function sameHost(req: IncomingMessage, scheme: 'ws' | 'wss'): string {
  const host = req.headers.host ?? '';
  return HOST.test(host) ? `${scheme}://${host}` : '';
}
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * A GET for a page of the console (`/`, `/history`, …) rather than for a file or the server's own
 * paths. A missing hashed asset stays a 404: HTML in place of a script only hides a stale deploy;
 * so does anything that names a file (`/.env`, `/notes.txt`): the console's routes have no dots.
 */
export function isConsoleRoute(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const segments = new URL(req.url, 'http://localhost').pathname.split('/');
  return !SERVER_PREFIXES.has(segments[1] ?? '') && !segments.some((s) => s.includes('.'));
}

/** index.html for a client-side route, or a page that says how to build the console. */
export async function sendConsoleIndex(reply: FastifyReply, files: WebFiles): Promise<FastifyReply> {
  // Checked on each request so a build made while the server runs is served without a restart.
  if (files.built()) return reply.sendFile('index.html');
  return reply
    .code(503)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(NOT_BUILT_PAGE);
}

// No inline style or script: the page lives under the same strict CSP as the console.
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Switchboard: the web console is not built</title></head>
<body>
<main>
<h1>The web console is not built</h1>
<p>The call server is running (the API, Socket.IO, <a href="/healthz">/healthz</a>), but it has no
console to serve yet. Build it from the repository with:</p>
<pre><code>npm run build:web</code></pre>
<p>then reload this page. To serve a build from another folder, start the server with
<code>--web-root DIR</code> (or <code>SWITCHBOARD_WEB_ROOT</code>).</p>
</main>
</body>
</html>
`;
