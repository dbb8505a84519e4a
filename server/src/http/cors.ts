import type { FastifyInstance } from 'fastify';
import { DESKTOP_ORIGIN, ERROR_CODES } from '#shared';
import { AppError } from '../errors';

/**
 * Cross-origin access to the HTTP API for the desktop app only. Its console runs at
 * `DESKTOP_ORIGIN`, not at the server's origin, and sends JSON and a Bearer token, so every call
 * is preflighted. Sessions are Bearer tokens, never cookies, so nothing ambient is exposed; other
 * origins get no CORS headers, as before (Socket.IO carries its own CORS setting). API answers are
 * `no-store`, so no cache can hand one origin's answer to another.
 */
export function registerDesktopCors(app: FastifyInstance): void {
  app.addHook('onRequest', (req, reply, done) => {
    if (req.headers.origin === DESKTOP_ORIGIN) reply.header('access-control-allow-origin', DESKTOP_ORIGIN);
    done();
  });
  app.options('/api/*', (req, reply) => {
    if (req.headers.origin !== DESKTOP_ORIGIN) {
      throw new AppError(
        ERROR_CODES.FORBIDDEN,
        'cross-origin requests are answered for the desktop app only',
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
