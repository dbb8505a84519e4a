import { Readable } from 'node:stream';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifySchemaValidationError,
  preValidationHookHandler,
  RawRequestDefaultExpression,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import {
  ANY_ROUTE_ERRORS,
  describeZodError,
  ERROR_CODES,
  type ErrorCode,
  HTTP_ROUTES,
  type HttpRoute,
  type HttpRouteName,
  routeParts,
} from '#shared';
import { AppError } from '../errors';

/**
 * `/api/` routes are registered from their row in the HTTP contract (shared/src/http-routes.ts),
 * through Fastify's zod type provider: the row's schemas check the path params, query and JSON
 * body before the handler runs (a refusal worded by describeZodError, as socket requests are),
 * type what the handler is given, and check the JSON the handler answers as it is sent.
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The contract row an `/api/` route was registered from. */
    httpRoute?: HttpRouteName;
  }
}

type Row<K extends HttpRouteName> = (typeof HTTP_ROUTES)[K];
type Schema<K extends HttpRouteName, P extends string> = Row<K> extends { [Q in P]: infer S } ? S : undefined;

/** The request a route's handler gets: params, query and body as its row's schemas parsed them. */
export type RouteRequest<K extends HttpRouteName> = FastifyRequest<
  RouteGenericInterface,
  RawServerDefault,
  RawRequestDefaultExpression,
  { params: Schema<K, 'params'>; querystring: Schema<K, 'query'>; body: Schema<K, 'body'> },
  ZodTypeProvider
>;

/** What a handler resolves with: its JSON reply, the CSV's text (whole, or a page at a time), or nothing. */
export type RouteResult<K extends HttpRouteName> = Row<K>['reply'] extends {
  kind: 'json';
  schema: infer S extends z.ZodType;
}
  ? Promise<z.output<S>>
  : Row<K>['reply'] extends { kind: 'csv' }
    ? Promise<string | AsyncIterable<string>>
    : Row<K>['reply'] extends { kind: 'file' }
      ? Promise<Buffer>
      : Promise<void>;

export type RouteHandler<K extends HttpRouteName> = (
  req: RouteRequest<K>,
  reply: FastifyReply,
) => RouteResult<K>;

/** Registers route `name` from its contract row, with its handler. */
export function route<K extends HttpRouteName>(
  app: FastifyInstance,
  name: K,
  handler: RouteHandler<K>,
): void {
  const row: HttpRoute = HTTP_ROUTES[name];
  const [method, url] = routeParts(name);
  const { reply } = row;
  app.route({
    method,
    url,
    config: { httpRoute: name },
    schema: {
      ...(row.params && { params: row.params }),
      ...(row.query && { querystring: row.query }),
      ...(row.body && { body: row.body }),
      ...(reply.kind === 'json' && { response: { 200: reply.schema } }),
    },
    ...(row.bodyLimit && { bodyLimit: row.bodyLimit }),
    ...(row.body && { preValidation: jsonBodyOnly }),
    handler: async (req, res) => {
      const out = await handler(req as unknown as RouteRequest<K>, res);
      if (reply.kind === 'empty') return res.code(204).send();
      if (reply.kind === 'csv') {
        return res
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${reply.fileName}"`)
          .send(typeof out === 'string' ? out : Readable.from(out as AsyncIterable<string>));
      }
      if (reply.kind === 'file') {
        return res
          .header('content-type', reply.contentType)
          .header('cache-control', 'private, max-age=3600')
          .send(out);
      }
      return res.code(200).header('cache-control', 'no-store').send(out);
    },
  });
}

/**
 * Makes `app` serve the HTTP contract, and exactly it: Fastify checks with the contract's zod
 * schemas (fastify-type-provider-zod's compilers), an `/api/` route not registered by `route()`
 * is refused as it is added, and a contract row without its route stops the start. Call it on
 * the root instance before any route.
 */
export function serveContract(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setSchemaErrorFormatter((errors) => new AppError(ERROR_CODES.BAD_REQUEST, describeValidation(errors)));
  const served = new Set<string>();
  app.addHook('onRoute', (r) => {
    if (!r.url.startsWith('/api/') || r.method === 'OPTIONS') return;
    const name = r.config?.httpRoute;
    if (name === undefined) {
      throw new Error(
        `${String(r.method)} ${r.url}: register /api/ routes with route() from their row in shared/src/http-routes.ts`,
      );
    }
    served.add(name);
  });
  app.addHook('onReady', async () => {
    const missing = Object.keys(HTTP_ROUTES).filter((name) => !served.has(name));
    if (missing.length > 0) {
      throw new Error(
        `the HTTP contract (shared/src/http-routes.ts) has routes nobody serves: ${missing.join(', ')}`,
      );
    }
  });
}

/** Whether `code` is an answer the request's route may give (true off the contract: 404s, the web console). */
export function answerable(req: FastifyRequest, code: ErrorCode): boolean {
  const name = req.routeOptions.config?.httpRoute;
  if (name === undefined) return true;
  const { errors } = HTTP_ROUTES[name] as HttpRoute;
  return errors.includes(code) || (ANY_ROUTE_ERRORS as readonly ErrorCode[]).includes(code);
}

/**
 * The zod issues as the type provider hands them over (`instancePath` is the issue's path joined
 * by `/`; the contract's keys hold none), in the project's one wording of a refused payload.
 */
function describeValidation(errors: FastifySchemaValidationError[]): string {
  return describeZodError({
    issues: errors.map((e) => ({
      path: e.instancePath.split('/').filter((key) => key !== ''),
      message: e.message ?? 'invalid value',
    })),
  });
}

/** Bodies are JSON only; an empty one is refused here, with the same words as a malformed one. */
const jsonBodyOnly: preValidationHookHandler = (req, _reply, done) => {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return done(notJson());
  if (req.body === undefined) return done(notValidJson());
  done();
};

export const notJson = () =>
  new AppError(ERROR_CODES.BAD_REQUEST, 'send a JSON body with content-type: application/json');
export const notValidJson = () => new AppError(ERROR_CODES.BAD_REQUEST, 'the body is not valid JSON');
