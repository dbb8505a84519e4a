import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { ERROR_CODES, type ErrorCode } from '#shared';
import { AppError } from '../errors';
import type { Logger } from '../ops/logger';
import { registerCors } from './cors';
import type { OriginPolicy } from './origins';
import { answerable, notJson, notValidJson } from './routes';
import { nodeServer, type TlsConfig } from './tls';
import { isConsoleRoute, registerSecurityHeaders, registerWebConsole, sendConsoleIndex } from './web';

/** JSON bodies are small (login, pairing); anything larger is refused before it is buffered, unless the route's contract allows more. */
export const MAX_BODY_BYTES = 16 * 1024;

const STATUS: Record<ErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CALL_ENDED: 409,
  ANSWERED_ELSEWHERE: 409,
  BUSY: 409,
  CONFLICT: 409,
  PAIRING_CODE_INVALID: 400,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  PROTOCOL_MISMATCH: 426,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface HttpAppOptions {
  logger: Logger;
  /** Folder of the built web console (index.html and assets/). */
  webRoot: string;
  /** Given one promise per request, settled when its response is over, so close() and idle() wait for it. */
  track: (done: Promise<unknown>) => unknown;
  /** Which browser origins may call the API (the same list Socket.IO takes). */
  origins: OriginPolicy;
  /** Which peers' X-Forwarded-For is believed (client-address.ts): `request.ip` follows it. */
  trustProxy: (address: string, hop: number) => boolean;
  /** Serve HTTPS with this certificate (Socket.IO rides on the same server); absent, plain HTTP. */
  tls?: TlsConfig;
}

/**
 * The HTTP surface on Fastify, built without listening: the caller registers the API routes,
 * attaches Socket.IO to `app.server` (it answers `/socket.io/` before Fastify sees the request)
 * and listens on that server. Every error leaves as `{error: {code, message}}`, never a stack.
 */
export function createHttpApp(o: HttpAppOptions) {
  // Typed as Fastify's base logger, so plugins written against a plain FastifyInstance fit.
  const loggerInstance: FastifyBaseLogger = o.logger;
  const app = Fastify({
    loggerInstance,
    serverFactory: nodeServer(o.tls),
    // Errors are logged by the error handler below; a line per request would drown the call logs.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    // Node's own defaults, which the server had before Fastify (Fastify's: no limit, 72 s).
    requestTimeout: 300_000,
    keepAliveTimeout: 5_000,
    trustProxy: o.trustProxy,
    // A repeated query key counts once, by its last value, as the API has always read it.
    routerOptions: { querystringParser: (query) => Object.fromEntries(new URLSearchParams(query)) },
    // A malformed URL is refused before routing; it still gets the protocol's error shape.
    frameworkErrors: (err, req, reply) =>
      sendError(reply, ERROR_CODES.BAD_REQUEST, frameworkMessage(err, req)),
  });

  // Only JSON is accepted. Parsing it here (not with Fastify's parser) keeps the old router's
  // messages, and an empty body reaches the route, which says what it expected.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    if (body === '') return done(null, undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(notValidJson(), undefined);
    }
  });

  registerSecurityHeaders(app);
  registerCors(app, o.origins);
  app.addHook('onRequest', (_req, reply, done) => {
    o.track(new Promise((resolve) => reply.raw.once('close', resolve)));
    done();
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const known = err instanceof AppError ? err : fromFramework(err, req);
    if (known && answerable(req, known.code)) return sendError(reply, known.code, known.message);
    // An answer off the contract (a code the route does not list, a reply its schema refuses) is
    // this server's defect, as any other fault: the client learns no more than for those.
    const why = known
      ? `${known.code} is not an answer of this route in shared/src/http-routes.ts`
      : 'http request failed';
    o.logger.error({ err, path: pathOf(req) }, why);
    return sendError(reply, ERROR_CODES.INTERNAL, 'internal error');
  });

  const files = registerWebConsole(app, { root: o.webRoot, logger: o.logger });
  app.setNotFoundHandler((req, reply) => {
    if (isConsoleRoute(req)) return sendConsoleIndex(reply, files);
    return sendError(reply, ERROR_CODES.NOT_FOUND, `no route for ${req.method} ${pathOf(req)}`);
  });
  return app;
}

export type HttpApp = ReturnType<typeof createHttpApp>;

/** Fastify's own refusals (body too large, wrong media type, bad path) in the protocol's terms. */
function fromFramework(err: FastifyError, req: FastifyRequest): AppError | null {
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // A route may set its own limit (PUT /api/directory).
    const limit = req.routeOptions.bodyLimit ?? MAX_BODY_BYTES;
    return new AppError(ERROR_CODES.PAYLOAD_TOO_LARGE, `the body is larger than ${limit} bytes`);
  }
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return notJson();
  const status = err.statusCode ?? 500;
  if (status >= 500) return null;
  const code = status === 403 ? ERROR_CODES.FORBIDDEN : status === 404 ? ERROR_CODES.NOT_FOUND : null;
  return new AppError(code ?? ERROR_CODES.BAD_REQUEST, err.message);
}

/** Issue 10 item 11: say what is wrong with the URL rather than echo Fastify's internal wording. */
function frameworkMessage(err: FastifyError, req: FastifyRequest): string {
  if (err.code !== 'FST_ERR_BAD_URL') return err.message;
  const path = req.url.length > 200 ? `${req.url.slice(0, 200)}…` : req.url;
  return `malformed URL: ${JSON.stringify(path)} has a %-escape that is not valid UTF-8 percent-encoding`;
}

const pathOf = (req: FastifyRequest) => new URL(req.url, 'http://localhost').pathname;

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/json; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(JSON.stringify(body));
}

export function sendError(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  return sendJson(reply, STATUS[code], { error: { code, message } });
}

export function bearerToken(req: FastifyRequest): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * The client's address: the peer's, or what a `trustProxy` proxy says it forwards (Fastify's
 * `request.ip`, set up in createHttpApp): rate limits must not trust what a client claims.
 */
export const clientIp = (req: FastifyRequest): string => req.ip || 'unknown';
