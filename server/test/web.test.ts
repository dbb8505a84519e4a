import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../test-support/harness';
import { DEFAULT_WEB_ROOT } from '../src/http/web';

const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';
const SCRIPT = 'console.log("console")';
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * A Vite-shaped build: index.html, a hashed script under assets/ and its source map, an unhashed
 * file beside them, and the manifest that lists them (`build.manifest`).
 */
async function writeBuild(root: string): Promise<void> {
  await mkdir(path.join(root, 'assets'), { recursive: true });
  await writeFile(path.join(root, 'index.html'), INDEX);
  await writeFile(path.join(root, 'assets', 'index-Ab12Cd34.js'), SCRIPT);
  await writeFile(path.join(root, 'assets', 'index-Ab12Cd34.js.map'), '{"version":3}');
  await writeFile(path.join(root, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await mkdir(path.join(root, '.vite'), { recursive: true });
  const manifest = {
    'index.html': {
      file: 'assets/index-Ab12Cd34.js',
      src: 'index.html',
      isEntry: true,
      assets: ['favicon.svg'],
    },
  };
  await writeFile(path.join(root, '.vite', 'manifest.json'), JSON.stringify(manifest));
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'switchboard-web-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

it('looks for the console in dist/web at the repository root by default, whatever the cwd', () => {
  expect(DEFAULT_WEB_ROOT).toBe(path.resolve(import.meta.dirname, '../../dist/web'));
});

describe('the web console, built', () => {
  let h: Harness;
  beforeAll(async () => {
    const root = path.join(tmp, 'built');
    await writeBuild(root);
    h = await startHarness({ apns: false, config: { webRoot: root } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('serves index.html at / with no-cache, and revalidates it by ETag', async () => {
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    // As a browser revalidates; fetch() alone would add `cache-control: no-cache` to a conditional GET.
    const revalidate = { 'if-none-match': etag!, 'cache-control': 'max-age=0' };
    const again = await fetch(`${h.url}/`, { headers: revalidate });
    expect(again.status).toBe(304);
  });

  it('serves hashed assets with a year-long immutable cache, other files with no-cache', async () => {
    const script = await fetch(`${h.url}/assets/index-Ab12Cd34.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(await script.text()).toBe(SCRIPT);
    const icon = await fetch(`${h.url}/favicon.svg`);
    expect(icon.headers.get('content-type')).toContain('image/svg+xml');
    expect(icon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers client-side routes with index.html, but not the server paths or a missing asset', async () => {
    for (const route of ['/history', '/calls/0b6f9d2e-3c1a-4f7e-9a55-2d8e1c7b4a10', '/directory?q=ana']) {
      const res = await fetch(`${h.url}${route}`);
      expect(res.status, route).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toBe(INDEX);
    }
    const notFound: [string, RequestInit][] = [
      ['/api/nope', {}],
      ['/assets/index-Gone0000.js', {}],
      ['/healthz/deeper', {}],
      ['/metrics/x', {}],
      ['/history', { method: 'POST' }],
    ];
    for (const [route, init] of notFound) {
      const res = await fetch(`${h.url}${route}`, init);
      expect(res.status, route).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('sends a strict CSP and the other security headers with the page, its assets and the API', async () => {
    const { port } = new URL(h.url);
    for (const route of ['/', '/history', '/assets/index-Ab12Cd34.js', '/healthz', '/api/nope']) {
      const res = await fetch(`${h.url}${route}`);
      expect(cspOf(res.headers.get('content-security-policy'))).toEqual({
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'", `ws://127.0.0.1:${port}`, `wss://127.0.0.1:${port}`],
        'media-src': ["'self'", 'blob:', 'data:'],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'none'"],
        'frame-src': ["'none'"],
        'frame-ancestors': ["'none'"],
        'worker-src': ["'none'"],
      });
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('allows sockets to the host the browser used, and ignores a Host that could bend the policy', async () => {
    const csp = async (host: string) => cspOf(await headerFor(`${h.url}/`, host, 'content-security-policy'));
    expect((await csp('switchboard.local:8080'))['connect-src']).toEqual([
      "'self'",
      'ws://switchboard.local:8080',
      'wss://switchboard.local:8080',
    ]);
    expect((await csp('[::1]:4780'))['connect-src']).toEqual([
      "'self'",
      'ws://[::1]:4780',
      'wss://[::1]:4780',
    ]);
    const bent = await csp("evil.example;script-src 'unsafe-inline'");
    expect(bent['connect-src']).toEqual(["'self'"]);
    expect(bent['script-src']).toEqual(["'self'"]);
  });

  // Issue 20 item 4: `GET /.env` answered 200 with the file when one sat in the web root.
  it('serves only the files of the build: no dotfiles, nothing the manifest does not list', async () => {
    const root = path.join(tmp, 'built');
    await writeFile(path.join(root, '.env'), 'SECRET=do-not-serve');
    await mkdir(path.join(root, '.git'), { recursive: true });
    await writeFile(path.join(root, '.git', 'config'), 'do-not-serve');
    await writeFile(path.join(root, 'notes.txt'), 'do-not-serve');
    await writeFile(path.join(root, 'assets', 'dropped.js'), 'do-not-serve');
    for (const route of [
      '/.env',
      '/.git/config',
      '/notes.txt',
      '/assets/dropped.js',
      '/.vite/manifest.json',
    ]) {
      const res = await fetch(`${h.url}${route}`);
      expect(res.status, route).toBe(404);
      expect(await res.text(), route).not.toContain('do-not-serve');
    }
    expect((await fetch(`${h.url}/assets/index-Ab12Cd34.js.map`)).status).toBe(200);
  });

  it('never serves a file from outside the build folder', async () => {
    await writeFile(path.join(tmp, 'secret.txt'), 'do not serve');
    for (const route of ['/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const res = await fetch(`${h.url}${route}`);
      expect(await res.text(), route).not.toContain('do not serve');
    }
  });

  it('still answers every API route as before', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(health.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await health.json()).toEqual({ ok: true });
    expect(await (await fetch(`${h.url}/metrics`)).text()).toContain('switchboard_connected_consoles');
    const json = { 'content-type': 'application/json' };
    const login = await fetch(`${h.url}/api/login`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'nobody', password: 'x' }),
    });
    expect(login.status).toBe(401);
    expect(await login.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'wrong name or password' },
    });
    const { token } = await h.login();
    const csv = await fetch(`${h.url}/api/history.csv`, { headers: { authorization: `Bearer ${token}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(await csv.text()).toMatch(/^id,direction,/);
    expect((await fetch(`${h.url}/api/history.csv`)).status).toBe(401);
    const pair = await fetch(`${h.url}/api/devices/pair`, { method: 'POST', headers: json, body: '{}' });
    expect(pair.status).toBe(400);
    expect((await fetch(`${h.url}/api/devices/nope/directory`)).status).toBe(401);
  });
});

/** A CSP header as directive → sources. */
function cspOf(header: string | null | undefined): Record<string, string[]> {
  const entries = (header ?? '').split(';').map((d) => d.trim().split(/\s+/));
  return Object.fromEntries(entries.map(([name, ...sources]) => [name, sources]));
}

/** One header of a GET sent with this Host (fetch() will not send a Host of our choosing). */
function headerFor(url: string, host: string, name: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.headers[name] as string | undefined);
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the web console, not built', () => {
  let h: Harness;
  let root: string;
  afterEach(async () => {
    await h.close();
  });

  it('answers a page that says how to build it, then serves the build made meanwhile', async () => {
    root = path.join(tmp, 'later');
    h = await startHarness({ apns: false, config: { webRoot: root } });
    for (const route of ['/', '/history']) {
      const res = await fetch(`${h.url}${route}`);
      expect(res.status, route).toBe(503);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const page = await res.text();
      expect(page).toContain('The web console is not built');
      expect(page).toContain('npm run build:web');
    }
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${h.url}/assets/index-Ab12Cd34.js`)).status).toBe(404);

    await writeBuild(root);
    const res = await fetch(`${h.url}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(INDEX);
    expect((await fetch(`${h.url}/history`)).status).toBe(200);
  });
});
