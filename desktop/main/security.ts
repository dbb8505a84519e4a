import { createHash, X509Certificate } from 'node:crypto';
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { consoleCspDirectives, DESKTOP_ORIGIN, serializeCsp } from '#shared';

/** The console's own origin: a privileged custom scheme (Electron's checklist: not file://). */
export const APP_ORIGIN = DESKTOP_ORIGIN;
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Every window's web preferences, as Electron's security checklist asks: the console runs with
 * no Node, sandboxed, in an isolated world, with only the preload's named functions; nothing lets
 * it load insecure content, tags that embed other pages, or experimental features.
 */
export function secureWebPreferences(preload: string, additionalArguments: string[]): WebPreferences {
  return {
    preload,
    additionalArguments,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

/** The one kind of window the app opens: the console. */
export function mainWindowOptions(
  preload: string,
  additionalArguments: string[],
  bounds: { x?: number; y?: number; width: number; height: number },
): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 880,
    minHeight: 560,
    show: false,
    title: 'Switchboard',
    backgroundColor: '#101418',
    webPreferences: secureWebPreferences(preload, additionalArguments),
  };
}

/**
 * The console's Content-Security-Policy, sent with every file of `app://switchboard`: the rule
 * the server sends with the web console (shared/src/csp.ts), with network access to the one call
 * server the app uses (HTTP for the API, WebSocket for Socket.IO).
 */
export function contentSecurityPolicy(serverUrl: string | null): string {
  return serializeCsp(consoleCspDirectives(serverSources(serverUrl)));
}

/** `http://host:port` and `ws://host:port` (or https/wss): nothing else of the server's host. */
function serverSources(serverUrl: string | null): string[] {
  if (!serverUrl) return [];
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch {
    return [];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
  const ws = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return [url.origin, `${ws}//${url.host}`];
}

/** Where a request comes from, or null when it cannot be read. */
export function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.origin === 'null' ? `${parsed.protocol}//${parsed.host}` : parsed.origin;
  } catch {
    return null;
  }
}

/**
 * Permission requests: the microphone (for calls), asked by the console's own origin, and
 * nothing else for anyone: no camera, no notifications API (main shows them), no geolocation.
 */
export function allowPermission(
  permission: string,
  details: { requestingUrl?: string; mediaTypes?: string[]; securityOrigin?: string },
): boolean {
  if (permission !== 'media') return false;
  if (originOf(details.requestingUrl ?? details.securityOrigin) !== APP_ORIGIN) return false;
  const types = details.mediaTypes ?? [];
  // A permission *check* carries no media types; a request must ask for audio and only audio.
  return types.every((t) => t === 'audio');
}

/** Navigation inside the console's own files is fine; anywhere else is refused. */
export function allowNavigation(url: string): boolean {
  return originOf(url) === APP_ORIGIN;
}

/** Chromium's verdicts for `setCertificateVerifyProc`: trust it, or keep Chromium's own result. */
export const CERTIFICATE_TRUSTED = 0;
export const CERTIFICATE_AS_CHROMIUM_SAYS = -3;

/**
 * The certificate check of the console's session: this computer's server, while phones on the
 * network may connect, serves a certificate that signs itself, which Chromium alone would refuse.
 * The window trusts exactly that certificate, by its SHA-256 (the one pairing links carry);
 * every other one gets Chromium's own verdict, as if this hook did not exist.
 */
export function verifyOwnCertificate(pinned: () => string | null) {
  return (request: { certificate: { data: string } }, callback: (verdict: number) => void): void => {
    const fingerprint = pinned();
    callback(
      fingerprint !== null && fingerprintOf(request.certificate.data) === fingerprint
        ? CERTIFICATE_TRUSTED
        : CERTIFICATE_AS_CHROMIUM_SAYS,
    );
  };
}

function fingerprintOf(pem: string): string | null {
  try {
    return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
  } catch {
    return null;
  }
}
