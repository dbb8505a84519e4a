import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST } from './security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.map': 'application/json',
};

/**
 * The file under `root` that an `app://switchboard/...` URL names, or null: another host, a path
 * that climbs out of `root` (even %-encoded), or one that cannot be decoded. `/` is index.html.
 */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' ? 'index.html' : pathname.replace(/^\/+/, '');
  const file = path.resolve(root, relative);
  const inside = path.relative(root, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return null;
  return file;
}

/**
 * `protocol.handle('app', …)`: the built console (out/renderer) with its CSP on every answer. Only
 * GET; a file that is not there is a 404, never a directory listing or a file outside the build.
 */
export function createAppProtocolHandler(o: {
  root: string;
  csp: () => string;
  read?: (file: string) => Promise<Buffer>;
}): (request: Request) => Promise<Response> {
  const read = o.read ?? ((file: string) => readFile(file));
  return async (request) => {
    const headers = {
      'content-security-policy': o.csp(),
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
    };
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('method not allowed', { status: 405, headers });
    }
    const file = resolveAppFile(o.root, request.url);
    if (!file) return new Response('not found', { status: 404, headers });
    let body: Buffer;
    try {
      body = await read(file);
    } catch {
      return new Response('not found', { status: 404, headers });
    }
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...headers, 'content-type': type },
    });
  };
}
