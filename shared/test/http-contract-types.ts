/**
 * Checked by `npm run typecheck`, never run: the HTTP contract (shared/src/http-routes.ts) types
 * both ends. The compiler must refuse a call with the wrong input, a misread reply or error, and
 * a route handler that reads what its route does not take or answers what it does not. Each
 * `@ts-expect-error` fails the typecheck if the line below it ever compiles.
 */
import type { FastifyInstance } from 'fastify';
import { httpRequest } from '#shared';
import { route } from '../../server/src/http/routes';

const server = 'http://127.0.0.1:4780';

export async function client() {
  const saved = await httpRequest(server, 'PUT /api/directory', {
    token: 'session',
    body: { entries: [{ number: '+15551234567', label: null, blocked: false }], baseVersion: 0 },
  });
  if (saved.ok) saved.data.version satisfies number;
  // @ts-expect-error a save answers its version, not the entries
  if (saved.ok) saved.data.entries;
  if (!saved.ok && saved.error.code === 'CONFLICT') saved.error.message satisfies string;

  // @ts-expect-error a save without the version it was based on
  await httpRequest(server, 'PUT /api/directory', { body: { entries: [] } });
  // @ts-expect-error an entry's number is text
  await httpRequest(server, 'PUT /api/directory', { body: { entries: [{ number: 1 }], baseVersion: 0 } });
  // @ts-expect-error a route the contract does not have
  await httpRequest(server, 'GET /api/teleport', {});
  // @ts-expect-error a phone's directory is fetched with its device id
  await httpRequest(server, 'GET /api/devices/:deviceId/directory', { token: 'secret' });
  // @ts-expect-error an outcome the history export does not filter on
  await httpRequest(server, 'GET /api/history.csv', { query: { outcome: 'bored' } });

  const signIn = await httpRequest(server, 'POST /api/login', { body: { name: 'ana', password: 'pw' } });
  if (signIn.ok) signIn.data.token satisfies string;
  // @ts-expect-error sign-in never answers CONFLICT: a client testing for it misreads the route
  if (!signIn.ok && signIn.error.code === 'CONFLICT') return;

  const audit = await httpRequest(server, 'GET /api/audit.csv', { query: { subject: 'phone' } });
  if (audit.ok) audit.data satisfies Blob;
  // @ts-expect-error a CSV export is a file, not JSON
  if (audit.ok) audit.data.entries;
}

export function handlers(app: FastifyInstance) {
  route(app, 'PUT /api/directory', async (req) => {
    req.body.baseVersion satisfies number;
    // @ts-expect-error the save's body has no version of its own
    req.body.version;
    return { version: 1 };
  });
  // @ts-expect-error a handler answers its route's reply: pairing gives the secret and staff too
  route(app, 'POST /api/devices/pair', async () => ({ deviceId: 'd' }));
  route(app, 'GET /api/history.csv', async (req) => {
    req.query.from satisfies number | undefined;
    // @ts-expect-error the export takes no cursor
    req.query.cursor;
    return 'id\r\n';
  });
  // @ts-expect-error a JSON route answers its schema, not text
  route(app, 'GET /api/devices/:deviceId/directory', async (req) => `${req.params.deviceId}: version 1`);
}
