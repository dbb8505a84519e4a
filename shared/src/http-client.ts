import { errorBodySchema } from './ack';
import { ERROR_CODES } from './errors';
import {
  ANY_ROUTE_ERRORS,
  type HttpBody,
  type HttpErrorCode,
  type HttpParams,
  type HttpQuery,
  type HttpReplyData,
  type HttpRouteName,
  httpRoute,
  routeParts,
} from './http-routes';
import { describeZodError } from './validation';

/** What a call of route K carries: its path params, query and body, where it has them. */
export type HttpArgs<K extends HttpRouteName> = (HttpParams<K> extends undefined
  ? { params?: undefined }
  : { params: HttpParams<K> }) &
  (HttpQuery<K> extends undefined ? { query?: undefined } : { query?: HttpQuery<K> }) &
  (HttpBody<K> extends undefined ? { body?: undefined } : { body: HttpBody<K> });

/** HttpArgs, and the Bearer token: a console's session token, or a phone's device secret. */
export type HttpInput<K extends HttpRouteName> = HttpArgs<K> & { token?: string | null };

export type HttpResult<K extends HttpRouteName> =
  | { ok: true; status: number; data: HttpReplyData<K> }
  | {
      ok: false;
      /** The HTTP status, or null when nothing answered. */
      status: number | null;
      /** The server's refusal in its own words, or what went wrong on the way. */
      error: { code: HttpErrorCode<K>; message: string };
      /** Why, for a log: the network's error, or what in the answer was not the protocol's. Null for a refusal in the protocol's shape. */
      detail: string | null;
    };

export interface HttpOptions {
  /** Another fetch (the desktop app's main process goes through Chromium's). */
  fetch?: typeof fetch;
}

/**
 * The one typed way a client calls the HTTP API (`shared/test/one-request.test.ts` finds any other
 * fetch of an `/api/` path): the request is built from the route's row in HTTP_ROUTES, the JSON
 * reply parsed with its schema, and every failure resolves (never rejects) with a code the route
 * may answer, UNAVAILABLE when nothing answered, INTERNAL when the answer was not the protocol's.
 */
export async function httpRequest<K extends HttpRouteName>(
  server: string | URL,
  name: K,
  input: HttpInput<K>,
  opts: HttpOptions = {},
): Promise<HttpResult<K>> {
  const route = httpRoute(name);
  const [method, path] = routeParts(name);
  const url = routeUrl(server, path, input.params, input.query);
  const headers: Record<string, string> = {};
  if (input.token) headers.authorization = `Bearer ${input.token}`;
  if (input.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await (opts.fetch ?? fetch)(url, {
      method,
      headers,
      ...(input.body === undefined ? {} : { body: JSON.stringify(input.body) }),
    });
  } catch (err) {
    const why = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : '';
    return failed(null, ERROR_CODES.UNAVAILABLE, 'the server cannot be reached', why);
  }
  if (!res.ok) return refusal(res, route.errors);
  const { reply } = route;
  if (reply.kind === 'empty') return { ok: true, status: res.status, data: null as HttpReplyData<K> };
  if (reply.kind === 'csv' || reply.kind === 'file') {
    const data = await res.blob().catch(() => null);
    if (data) return { ok: true, status: res.status, data: data as HttpReplyData<K> };
    return failed(res.status, ERROR_CODES.UNAVAILABLE, 'the download was cut off', null);
  }
  const parsed = reply.schema.safeParse(await res.json().catch(() => null));
  if (parsed.success) return { ok: true, status: res.status, data: parsed.data as HttpReplyData<K> };
  return failed(
    res.status,
    ERROR_CODES.INTERNAL,
    'the server sent an unexpected answer',
    describeZodError(parsed.error),
  );
}

/** The route's URL with its `:params` filled in and the query's defined values as text. */
function routeUrl(server: string | URL, path: string, params: unknown, query: unknown): URL {
  const values = (params ?? {}) as Record<string, unknown>;
  const url = new URL(
    path.replace(/:(\w+)/g, (_, key: string) => encodeURIComponent(String(values[key]))),
    server,
  );
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url;
}

/** A refusal: the server's `{error: {code, message}}`, its code one the route may answer. */
async function refusal<K extends HttpRouteName>(
  res: Response,
  declared: readonly string[],
): Promise<HttpResult<K>> {
  const body = (await res.json().catch(() => null)) as { error?: unknown } | null;
  const error = errorBodySchema.safeParse(body?.error);
  if (!error.success) {
    const code = res.status >= 500 ? ERROR_CODES.INTERNAL : ERROR_CODES.BAD_REQUEST;
    return failed(res.status, code, `the server answered ${res.status}`, `HTTP ${res.status}`);
  }
  const { code, message } = error.data;
  if (declared.includes(code) || (ANY_ROUTE_ERRORS as readonly string[]).includes(code)) {
    return failed(res.status, code as HttpErrorCode<K>, message, null);
  }
  // A server of another version: its words still say what happened.
  return failed(res.status, ERROR_CODES.INTERNAL, message, null);
}

function failed<K extends HttpRouteName>(
  status: number | null,
  code: HttpErrorCode<K>,
  message: string,
  detail: string | null,
): HttpResult<K> {
  return { ok: false, status, error: { code, message }, detail };
}
