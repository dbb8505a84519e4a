import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { type Clock, ERROR_CODES, forbiddenMessage } from '#shared';
import { hashSecret } from '../auth/secrets';
import { AppError } from '../errors';
import type { Storage } from '../storage/types';
import type { Actor } from '../team/audit';
import { bearerToken } from './app';

/**
 * Who may call each HTTP API route: `public` (sign-in, a phone pairing), `device` (a phone's
 * secret, checked by the route), `session` (any signed-in agent, checked by the route), or an
 * admin, with what only an admin may do in words. Every `/api/` route must be listed: the server
 * refuses to start with one that is not, so a new route cannot slip through without a decision,
 * and the admin check is added here, before the route's own hooks and before its body is read.
 */
export type RouteAccess = 'public' | 'device' | 'session' | { admin: string };

export const HTTP_ROUTE_ACCESS: Readonly<Record<string, RouteAccess>> = {
  'POST /api/login': 'public',
  'POST /api/logout': 'session',
  'POST /api/devices/pair': 'public',
  'GET /api/devices/:deviceId/directory': 'device',
  'GET /api/history.csv': 'session',
  'PUT /api/directory': { admin: 'change the caller-ID directory' },
  'GET /api/audit.csv': { admin: 'export the audit trail' },
};

/** The admin each admin-only request was made by, for the route's audit entry. */
const admins = new WeakMap<FastifyRequest, Actor>();

export function adminOf(req: FastifyRequest): Actor {
  const actor = admins.get(req);
  if (!actor) throw new Error(`${req.method} ${req.url} is not an admin route (see HTTP_ROUTE_ACCESS)`);
  return actor;
}

/**
 * Checks every `/api/` route against HTTP_ROUTE_ACCESS as it is registered, and puts the admin
 * check in front of the admin ones. Add it to the root instance before any route.
 */
export function enforceRouteAccess(app: FastifyInstance, o: { storage: Storage; clock: Clock }): void {
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Fastify adds a HEAD route for every GET one; it answers as the GET does.
      const key = `${method === 'HEAD' ? 'GET' : method} ${route.url}`;
      const access = HTTP_ROUTE_ACCESS[key];
      if (access === undefined) {
        throw new Error(
          `${method} ${route.url} is not in HTTP_ROUTE_ACCESS (server/src/http/access.ts): say who may call it there`,
        );
      }
      if (typeof access === 'object') {
        const check = adminCheck(o, `${method} ${route.url}`, access.admin);
        const own = route.onRequest;
        route.onRequest = [check, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])];
      }
    }
  });
}

function adminCheck(
  o: { storage: Storage; clock: Clock },
  route: string,
  what: string,
): onRequestHookHandler {
  return async (req) => {
    const token = bearerToken(req);
    const session = token ? await o.storage.sessions.find(hashSecret(token)) : null;
    if (!session || session.expiresAt <= o.clock.now()) {
      throw new AppError(ERROR_CODES.UNAUTHORIZED, 'sign in first (Authorization: Bearer <session token>)');
    }
    const agent = await o.storage.agents.findById(session.agentId);
    if (!agent || agent.disabledAt !== null) {
      throw new AppError(ERROR_CODES.UNAUTHORIZED, 'your agent was removed or disabled; sign in again');
    }
    if (agent.role !== 'admin')
      throw new AppError(ERROR_CODES.FORBIDDEN, `${route}: ${forbiddenMessage(what)}`);
    admins.set(req, { id: agent.id, name: agent.name });
  };
}
