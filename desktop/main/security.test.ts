import { createHash, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTlsCertificate } from '../../tools/apns-emulator/src';
import { createAppProtocolHandler, resolveAppFile } from './app-protocol';
import {
  allowNavigation,
  allowPermission,
  CERTIFICATE_AS_CHROMIUM_SAYS,
  CERTIFICATE_TRUSTED,
  contentSecurityPolicy,
  mainWindowOptions,
  secureWebPreferences,
  verifyOwnCertificate,
} from './security';
import { WINDOW_KINDS } from './window';

describe("every window's webPreferences", () => {
  it('isolates the console: context isolation, sandbox, no Node anywhere, web security on', () => {
    const kinds = Object.entries(WINDOW_KINDS);
    expect(kinds.map(([k]) => k)).toEqual(['main']);
    for (const [kind, options] of kinds) {
      const prefs = options('/app/out/preload/index.cjs', ['--switchboard-server=http://127.0.0.1:4780'], {
        width: 1200,
        height: 800,
      }).webPreferences!;
      expect(prefs, kind).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        nodeIntegrationInWorker: false,
        nodeIntegrationInSubFrames: false,
        webSecurity: true,
        allowRunningInsecureContent: false,
        experimentalFeatures: false,
        webviewTag: false,
        preload: '/app/out/preload/index.cjs',
      });
    }
  });

  it('is the same object for the main window as secureWebPreferences gives', () => {
    expect(mainWindowOptions('/p.cjs', [], { width: 1, height: 1 }).webPreferences).toEqual(
      secureWebPreferences('/p.cjs', []),
    );
  });
});

describe('the Content-Security-Policy', () => {
  it('allows own scripts and styles only, and connects to the one server it uses', () => {
    const csp = contentSecurityPolicy('http://127.0.0.1:4780');
    expect(csp.split('; ')).toEqual([
      "default-src 'self'",
      "script-src 'self'",
      "script-src-attr 'none'",
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "font-src 'self'",
      "connect-src 'self' http://127.0.0.1:4780 ws://127.0.0.1:4780",
      "media-src 'self' blob: data:",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'none'",
      "frame-src 'none'",
      "frame-ancestors 'none'",
      "worker-src 'none'",
    ]);
    expect(csp).not.toContain('unsafe');
  });

  it('uses wss for an https team server, and nothing for an unusable URL', () => {
    expect(contentSecurityPolicy('https://calls.example.com/base')).toContain(
      "connect-src 'self' https://calls.example.com wss://calls.example.com;",
    );
    expect(contentSecurityPolicy('file:///etc/passwd')).toContain("connect-src 'self';");
    expect(contentSecurityPolicy(null)).toContain("connect-src 'self';");
  });
});

describe('permissions and navigation', () => {
  const own = 'app://switchboard/index.html';

  it('grants the microphone to the console, and nothing else to anyone', () => {
    expect(allowPermission('media', { requestingUrl: own, mediaTypes: ['audio'] })).toBe(true);
    expect(allowPermission('media', { securityOrigin: 'app://switchboard' })).toBe(true);
    expect(allowPermission('media', { requestingUrl: own, mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(allowPermission('media', { requestingUrl: own, mediaTypes: ['video'] })).toBe(false);
    expect(allowPermission('media', { requestingUrl: 'http://127.0.0.1:4780/', mediaTypes: ['audio'] })).toBe(
      false,
    );
    expect(allowPermission('media', { requestingUrl: 'app://other/x', mediaTypes: ['audio'] })).toBe(false);
    for (const other of [
      'notifications',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'display-capture',
    ]) {
      expect(allowPermission(other, { requestingUrl: own }), other).toBe(false);
    }
  });

  it("allows navigation within the console's own origin only", () => {
    expect(allowNavigation('app://switchboard/index.html')).toBe(true);
    expect(allowNavigation('http://127.0.0.1:4780/')).toBe(false);
    expect(allowNavigation('https://evil.example/app://switchboard')).toBe(false);
    expect(allowNavigation('not a url')).toBe(false);
  });
});

describe('app://switchboard, the console files', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'switchboard-app-'));
    await mkdir(path.join(root, 'assets'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Switchboard</title>');
    await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(path.join(path.dirname(root), 'secret.txt'), 'outside');
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('keeps every path inside the build', () => {
    expect(resolveAppFile(root, 'app://switchboard/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://switchboard/assets/index-abc.js')).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
    expect(resolveAppFile(root, 'app://switchboard/../secret.txt')).toBe(path.join(root, 'secret.txt'));
    // The URL parser folds dot segments, %-encoded ones too, before the path is ours…
    expect(resolveAppFile(root, 'app://switchboard/%2e%2e/secret.txt')).toBe(path.join(root, 'secret.txt'));
    // …and an encoded slash it leaves alone is decoded and caught here.
    expect(resolveAppFile(root, 'app://switchboard/assets/%2e%2e%2f%2e%2e%2fsecret.txt')).toBeNull();
    expect(resolveAppFile(root, 'app://switchboard/%E0%A4%A')).toBeNull();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
  });

  it('answers with the file, its type and the CSP; 404 for anything missing or outside', async () => {
    const handle = createAppProtocolHandler({ root, csp: () => contentSecurityPolicy('http://127.0.0.1:9') });
    const index = await handle(new Request('app://switchboard/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain('connect-src');
    expect(await index.text()).toContain('<title>Switchboard</title>');
    const script = await handle(new Request('app://switchboard/assets/index-abc.js'));
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await handle(new Request('app://switchboard/nope.js'));
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect((await handle(new Request('app://switchboard/assets/..%2f..%2fsecret.txt'))).status).toBe(404);
    expect((await handle(new Request('app://switchboard/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handle(new Request('app://switchboard/index.html', { method: 'POST' }))).status).toBe(405);
  });
});

describe("the console's certificate check", () => {
  it('trusts the certificate of this computer’s server by its fingerprint, and leaves the rest to Chromium', async () => {
    const own = await generateTlsCertificate();
    const other = await generateTlsCertificate();
    const fingerprint = createHash('sha256').update(new X509Certificate(own.cert).raw).digest('hex');
    let pinned: string | null = fingerprint;
    const verify = verifyOwnCertificate(() => pinned);
    const verdict = (data: string) => {
      let result: number | undefined;
      verify({ certificate: { data } }, (v) => {
        result = v;
      });
      return result;
    };
    expect(verdict(own.cert)).toBe(CERTIFICATE_TRUSTED);
    expect(verdict(other.cert)).toBe(CERTIFICATE_AS_CHROMIUM_SAYS);
    expect(verdict('not a certificate')).toBe(CERTIFICATE_AS_CHROMIUM_SAYS);
    // Phones no longer let in (or a team server): nothing is trusted beyond what Chromium trusts.
    pinned = null;
    expect(verdict(own.cert)).toBe(CERTIFICATE_AS_CHROMIUM_SAYS);
  });
});
