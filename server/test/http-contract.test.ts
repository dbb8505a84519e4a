import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import {
  describeZodError,
  directoryPutRequestSchema,
  HTTP_ROUTES,
  type HttpRouteName,
  loginRequestSchema,
} from '#shared';
import { AppError } from '../src/errors';
import { checkAccessAgainstContract, HTTP_ROUTE_ACCESS } from '../src/http/access';
import { createHttpApp } from '../src/http/app';
import { originPolicy } from '../src/http/origins';
import { type RouteHandler, route, serveContract } from '../src/http/routes';

type Handlers = { [K in HttpRouteName]?: RouteHandler<K> };

/** The server's HTTP app (its error handler included) serving the contract with these handlers, the rest answering nothing. */
async function contractApp(handlers: Handlers, logs: string[] = []): Promise<FastifyInstance> {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const app = createHttpApp({
    logger: pino({ level: 'error' }, stream),
    webRoot: '/nonexistent',
    track: () => undefined,
    origins: originPolicy([]),
    trustProxy: () => false,
  });
  serveContract(app);
  await app.register(async (api) => {
    for (const name of Object.keys(HTTP_ROUTES) as HttpRouteName[]) {
      route(api, name, (handlers[name] ?? (async () => undefined as never)) as RouteHandler<typeof name>);
    }
  });
  await app.ready();
  return app;
}

const send = (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) =>
  app.inject({
    method,
    url,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) }),
  });

describe('the HTTP contract (shared/src/http-routes.ts)', () => {
  let app: FastifyInstance | null = null;
  afterEach(async () => {
    await app?.close();
    app = null;
  });

  it('is served whole: a row without its route stops the start, an /api/ route off the contract is refused', async () => {
    const partial = createHttpApp({
      logger: pino({ level: 'silent' }),
      webRoot: '/nonexistent',
      track: () => undefined,
      origins: originPolicy([]),
      trustProxy: () => false,
    });
    serveContract(partial);
    await partial.register(async (api) => {
      route(api, 'POST /api/login', async () => ({
        token: 't',
        agentId: 'a',
        name: 'ana',
        role: 'agent' as const,
        expiresAt: 1,
      }));
    });
    await expect(partial.ready()).rejects.toThrow(
      /the HTTP contract \(shared\/src\/http-routes\.ts\) has routes nobody serves: POST \/api\/logout, /,
    );

    const extra = createHttpApp({
      logger: pino({ level: 'silent' }),
      webRoot: '/nonexistent',
      track: () => undefined,
      origins: originPolicy([]),
      trustProxy: () => false,
    });
    serveContract(extra);
    extra.register(async (api) => {
      api.get('/api/history.csv', async () => 'by hand');
    });
    await expect(extra.ready()).rejects.toThrow(
      'GET /api/history.csv: register /api/ routes with route() from their row in shared/src/http-routes.ts',
    );
  });

  it('answers only what the contract says: a reply off its schema or an unlisted code is INTERNAL, and logged', async () => {
    const logs: string[] = [];
    app = await contractApp(
      {
        // Pairing answers the device's secret and staff too; a handler forgetting them is a defect.
        'POST /api/devices/pair': async () => ({ deviceId: 'd' }) as never,
        'POST /api/login': async () => {
          throw new AppError('CONFLICT', 'sign-in has no conflicts');
        },
        'PUT /api/directory': async () => {
          throw new AppError('CONFLICT', 'someone saved the directory since you loaded it');
        },
        'GET /api/devices/:deviceId/directory': async () =>
          ({ version: 2, entries: [], secretHash: 'never sent' }) as never,
      },
      logs,
    );
    const pair = { code: 'ABCDEFGH12', name: 'iPhone', model: 'x', osVersion: '18', appVersion: '1' };
    const paired = await send(app, 'POST', '/api/devices/pair', {
      ...pair,
      bundleId: 'com.example.app',
      apnsEnvironment: 'sandbox',
    });
    expect([paired.statusCode, paired.json()]).toEqual([
      500,
      { error: { code: 'INTERNAL', message: 'internal error' } },
    ]);
    const signIn = await send(app, 'POST', '/api/login', { name: 'ana', password: 'pw' });
    expect([signIn.statusCode, signIn.json()]).toEqual([
      500,
      { error: { code: 'INTERNAL', message: 'internal error' } },
    ]);
    expect(logs.join('')).toContain('CONFLICT is not an answer of this route in shared/src/http-routes.ts');

    const saved = await send(app, 'PUT', '/api/directory', { entries: [], baseVersion: 0 });
    expect([saved.statusCode, saved.json()]).toEqual([
      409,
      { error: { code: 'CONFLICT', message: 'someone saved the directory since you loaded it' } },
    ]);
    // What the reply's schema does not name never leaves the server.
    const directory = await send(app, 'GET', '/api/devices/dev-1/directory');
    expect([directory.statusCode, directory.json()]).toEqual([200, { version: 2, entries: [] }]);
    expect(directory.headers['cache-control']).toBe('no-store');
  });

  it("refuses input in the project's words (describeZodError), as socket requests are", async () => {
    app = await contractApp({ 'GET /api/history.csv': async (req) => `${req.query.outcome}\r\n` });
    const bodies: [string, unknown, typeof loginRequestSchema | typeof directoryPutRequestSchema][] = [
      ['/api/login', { name: 'ana' }, loginRequestSchema],
      ['/api/login', [], loginRequestSchema],
    ];
    const entries = [{ number: '+15551234567', label: null, blocked: false }];
    const directory: unknown[] = [
      { entries: [...entries, { ...entries[0], number: '555' }], baseVersion: 0 },
      { entries, baseVersion: -1 },
    ];
    for (const body of directory) bodies.push(['/api/directory', body, directoryPutRequestSchema]);
    for (const [url, body, schema] of bodies) {
      const res = await send(app, url === '/api/login' ? 'POST' : 'PUT', url, body);
      const parsed = schema.safeParse(body);
      expect(parsed.success).toBe(false);
      if (parsed.success) continue;
      expect([res.statusCode, res.json()], url).toEqual([
        400,
        { error: { code: 'BAD_REQUEST', message: describeZodError(parsed.error) } },
      ]);
    }
    expect((await send(app, 'PUT', '/api/directory', directory[0])).json().error.message).toBe(
      'entries.1.number: expected an E.164 number such as +15551234567',
    );
    const longId = await send(app, 'GET', `/api/devices/${'d'.repeat(65)}/directory`);
    expect(longId.json().error.message).toMatch(/^deviceId: /);
    expect((await send(app, 'GET', '/api/history.csv?from=soon')).json().error.message).toMatch(/^from: /);
    expect((await send(app, 'GET', '/api/health.csv?state=bogus')).json().error.message).toMatch(/^state: /);
    expect((await send(app, 'GET', '/api/audit.csv?subject=bogus')).json().error.message).toMatch(
      /^subject: /,
    );
    // A repeated key counts once, by its last value.
    const last = await send(app, 'GET', '/api/history.csv?outcome=bored&outcome=missed');
    expect([last.statusCode, last.body]).toEqual([200, 'missed\r\n']);
    // Bodies are JSON, and an empty one is refused as a malformed one is.
    const plain = await app.inject({ method: 'POST', url: '/api/login' });
    expect(plain.json().error.message).toBe('send a JSON body with content-type: application/json');
    const empty = await app.inject({
      method: 'POST',
      url: '/api/login',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.json().error.message).toBe('the body is not valid JSON');
  });

  it('is checked against the access table at start: a route that needs a session lists its refusals', () => {
    expect(() => checkAccessAgainstContract(HTTP_ROUTE_ACCESS)).not.toThrow();
    expect(() =>
      checkAccessAgainstContract({
        ...HTTP_ROUTE_ACCESS,
        'GET /api/history.csv': { admin: 'export history' },
      }),
    ).toThrow(
      'GET /api/history.csv is for admins (server/src/http/access.ts), so its row in shared/src/http-routes.ts must list FORBIDDEN in errors',
    );
    expect(() =>
      checkAccessAgainstContract({ ...HTTP_ROUTE_ACCESS, 'POST /api/devices/pair': 'device' }),
    ).toThrow('must list UNAUTHORIZED in errors');
  });
});
