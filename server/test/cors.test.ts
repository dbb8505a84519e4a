import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_ORIGIN, PROTOCOL_VERSION } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

/** The desktop app's console (at DESKTOP_ORIGIN) calls the API cross-origin; nobody else may. */
describe('CORS for the desktop app', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apns: false });
  });
  afterAll(async () => {
    await h.close();
  });

  const preflight = (origin: string, path = '/api/login') =>
    fetch(`${h.url}${path}`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });

  it('answers the preflight of the desktop origin, for JSON bodies and Bearer tokens', async () => {
    const res = await preflight(DESKTOP_ORIGIN);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(DESKTOP_ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization, content-type');
  });

  it('lets the desktop origin read the answers: sign-in, and a Bearer export', async () => {
    const { token } = await h.login('desk');
    const refused = await fetch(`${h.url}/api/login`, {
      method: 'POST',
      headers: { origin: DESKTOP_ORIGIN, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'desk', password: 'wrong password' }),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe(DESKTOP_ORIGIN);
    const csv = await fetch(`${h.url}/api/history.csv`, {
      headers: { origin: DESKTOP_ORIGIN, authorization: `Bearer ${token}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('access-control-allow-origin')).toBe(DESKTOP_ORIGIN);
  });

  it('gives any other origin no CORS headers, and refuses its preflight in the API error shape', async () => {
    const res = await preflight('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await res.json()).toEqual({
      error: {
        code: 'FORBIDDEN',
        message:
          'cross-origin requests are answered for the desktop app and the configured console origins only',
      },
    });
    const login = await fetch(`${h.url}/api/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', password: 'y' }),
    });
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
  });
});

/**
 * Issue 20 item 8: Socket.IO answered any origin (`cors: {origin: true}` echoed
 * `https://evil.example`). It now uses the HTTP allow-list: the desktop app, the configured
 * console origins, and the server's own host (the web console it serves).
 */
describe('Socket.IO takes the same origins as HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ apns: false, config: { consoleOrigins: ['https://console.example'] } });
  });
  afterAll(async () => {
    await h.close();
  });

  const poll = (origin?: string) =>
    fetch(`${h.url}/socket.io/?EIO=4&transport=polling`, { headers: origin ? { origin } : {} });
  const websocket = async (origin: string) => {
    const { token } = await h.login('ws-origin');
    const socket = io(`${h.url}/agent`, {
      auth: { protocol: PROTOCOL_VERSION, token },
      transports: ['websocket'],
      extraHeaders: { origin },
      reconnection: false,
      forceNew: true,
    });
    try {
      return await new Promise<string>((resolve) => {
        socket.once('connect', () => resolve('connected'));
        socket.once('connect_error', (err) => resolve(`refused: ${err.message}`));
      });
    } finally {
      socket.close();
    }
  };

  it('refuses another origin, over polling and WebSocket alike', async () => {
    const res = await poll('https://evil.example');
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(await websocket('https://evil.example')).toMatch(/^refused/);
  });

  it('answers the desktop app, a configured console origin, its own host and clients without an origin', async () => {
    for (const origin of [DESKTOP_ORIGIN, 'https://console.example']) {
      const res = await poll(origin);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(await websocket(origin)).toBe('connected');
    }
    expect(await websocket(h.url)).toBe('connected');
    expect((await poll()).status).toBe(200);
  });

  it('lets a configured console origin call the API too', async () => {
    const res = await fetch(`${h.url}/api/login`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://console.example');
  });
});
