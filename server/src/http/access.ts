import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { ERROR_CODES, type ErrorCode, forbiddenMessage, type HttpRouteName, httpRoute } from '#shared';
import type { Actor, SessionAuth } from '../auth/session-auth';
import { AppError } from '../errors';
import { bearerToken } from './app';

/**
 * Who may call each HTTP API route: `public` (sign-in, a phone pairing), `device` (a phone's
 * secret, checked by the route), `session` (any signed-in agent), or an
 * admin, with what only an admin may do in words. Every route of the contract
 * (shared/src/http-routes.ts) is listed, as the type says, and the server refuses to start with an
 * `/api/` route that is not, so a new route cannot slip through without a decision; the admin
 * check is added here, before the route's own hooks and before its body is read.
 */
export type RouteAccess = 'public' | 'device' | 'session' | { admin: string };

export const HTTP_ROUTE_ACCESS: Readonly<Record<HttpRouteName, RouteAccess>> = {
  'POST /api/login': 'public',
  'POST /api/logout': 'session',
  'POST /api/devices/pair': 'public',
  'GET /api/devices/:deviceId/directory': 'device',
  'GET /api/history.csv': 'session',
  'PUT /api/directory': { admin: 'change the caller-ID directory' },
  'GET /api/audit.csv': { admin: 'export the audit trail' },
  'GET /api/health.csv': 'session',
  // Snapshots (issue 27): the call's own agent takes them (the route checks whose call); any
  // agent downloads them, as any agent sees the call in history.
  'POST /api/calls/:callId/snapshots': 'session',
  'GET /api/snapshots/:snapshotId': 'session',
};

declare module 'fastify' {
  interface FastifyRequest {
    /** Who made the request: set for `session` and admin routes before their handler runs. */
    actor: Actor | null;
  }
}

/** The actor of a `session` or admin route (set by the access check); an error on any other. */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor)
    throw new Error(`${req.method} ${req.url} is not a signed-in route (see HTTP_ROUTE_ACCESS)`);
  return req.actor;
}

/**
 * Checks every `/api/` route against HTTP_ROUTE_ACCESS as it is registered, and puts the session
 * check (SessionAuth, the one Socket.IO uses too) in front of the `session` and admin ones, with
 * the role check for the admin ones, before the route's own hooks and before its body is read.
 * Add it to the root instance before any route.
 */
export function enforceRouteAccess(app: FastifyInstance, o: { auth: SessionAuth }): void {
  checkAccessAgainstContract(HTTP_ROUTE_ACCESS);
  app.decorateRequest('actor', null);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      // Fastify adds a HEAD route for every GET one; it answers as the GET does.
      const key = `${method === 'HEAD' ? 'GET' : method} ${route.url}`;
      const access = (HTTP_ROUTE_ACCESS as Readonly<Record<string, RouteAccess>>)[key];
      if (access === undefined) {
        throw new Error(
          `${method} ${route.url} is not in HTTP_ROUTE_ACCESS (server/src/http/access.ts): say who may call it there`,
        );
      }
      if (access === 'public' || access === 'device') continue;
      const check = sessionCheck(
        o.auth,
        `${method} ${route.url}`,
        typeof access === 'object' ? access.admin : null,
      );
      const own = route.onRequest;
      route.onRequest = [check, ...(own === undefined ? [] : Array.isArray(own) ? own : [own])];
    }
  });
}

function sessionCheck(auth: SessionAuth, route: string, adminOnly: string | null): onRequestHookHandler {
  return async (req) => {
    const actor = await auth.verify(bearerToken(req));
    if (adminOnly !== null && actor.role !== 'admin') {
      throw new AppError(ERROR_CODES.FORBIDDEN, `${route}: ${forbiddenMessage(adminOnly)}`);
    }
    req.actor = actor;
  };
}

/** The refusals each kind of access adds, which the route's contract must list for clients to expect them. */
const ACCESS_ERRORS: Record<'public' | 'device' | 'session' | 'admin', readonly ErrorCode[]> = {
  public: [],
  device: [ERROR_CODES.UNAUTHORIZED],
  session: [ERROR_CODES.UNAUTHORIZED],
  admin: [ERROR_CODES.UNAUTHORIZED, ERROR_CODES.FORBIDDEN],
};

/** Throws unless each route's contract lists the refusals its access adds (run at every start). */
export function checkAccessAgainstContract(table: Readonly<Record<HttpRouteName, RouteAccess>>): void {
  for (const [name, access] of Object.entries(table) as [HttpRouteName, RouteAccess][]) {
    const kind = typeof access === 'object' ? 'admin' : access;
    const missing = ACCESS_ERRORS[kind].filter((code) => !httpRoute(name).errors.includes(code));
    if (missing.length > 0) {
      throw new Error(
        `${name} is ${kind === 'admin' ? 'for admins' : kind} (server/src/http/access.ts), so its row in shared/src/http-routes.ts must list ${missing.join(', ')} in errors`,
      );
    }
  }
}
