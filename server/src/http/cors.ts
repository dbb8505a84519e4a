import type { FastifyInstance } from 'fastify';
import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import type { OriginPolicy } from './origins';

/**
 * Cross-origin access to the HTTP API for the desktop app and the configured console origins
 * (`origins.ts`, the same list Socket.IO uses). Their consoles send JSON and a Bearer token, so
 * every call is preflighted. Sessions are Bearer tokens, never cookies, so nothing ambient is
 * exposed; other origins get no CORS headers. API answers are `no-store`, so no cache can hand one
 * origin's answer to another.
 */
export function registerCors(app: FastifyInstance, origins: OriginPolicy): void {
  app.addHook('onRequest', (req, reply, done) => {
    const { origin } = req.headers;
    if (origins.listed(origin)) reply.header('access-control-allow-origin', origin).header('vary', 'origin');
    done();
  });
  app.options('/api/*', (req, reply) => {
    if (!origins.listed(req.headers.origin)) {
      throw new AppError(
        ERROR_CODES.FORBIDDEN,
        'cross-origin requests are answered for the desktop app and the configured console origins only',
      );
    }
    return reply
      .code(204)
      .header('access-control-allow-methods', 'GET, POST, PUT')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600')
      .send();
  });
}
