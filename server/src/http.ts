import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { describeZodError, ERROR_CODES, type ErrorCode } from '#shared';
import { AppError } from './errors';
import type { Logger } from './logger';

/** JSON bodies are small (login, pairing); anything larger is refused before it is buffered. */
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

export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  params: Record<string, string>,
) => Promise<void>;

/** `GET /api/devices/:deviceId/directory` matched against a request, segment by segment. */
function match(pattern: string, key: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = key.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.startsWith(':') && g.length > 0) params[w.slice(1)] = decodeURIComponent(g);
    else if (w !== g) return null;
  }
  return params;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(json);
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, STATUS[code], { error: { code, message } });
}

export async function readJson<S extends z.ZodType>(req: IncomingMessage, schema: S): Promise<z.infer<S>> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('application/json')) {
    throw new AppError(ERROR_CODES.BAD_REQUEST, 'send a JSON body with content-type: application/json');
  }
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new AppError(ERROR_CODES.BAD_REQUEST, 'the body is not valid JSON');
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new AppError(ERROR_CODES.BAD_REQUEST, describeZodError(parsed.error));
  }
  return parsed.data;
}

const tooLarge = () =>
  new AppError(ERROR_CODES.PAYLOAD_TOO_LARGE, `the body is larger than ${MAX_BODY_BYTES} bytes`);

export function bearerToken(req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

export const clientIp = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown';

/** Dispatches `METHOD /path` to a route; errors become `{error: {code, message}}`, never a stack. */
export function router(routes: Record<string, Route>, logger: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const key = `${req.method} ${url.pathname}`;
    let found: [Route, Record<string, string>] | null = routes[key] ? [routes[key], {}] : null;
    for (const [pattern, route] of Object.entries(routes)) {
      if (found) break;
      const params = pattern.includes(':') ? match(pattern, key) : null;
      if (params) found = [route, params];
    }
    try {
      if (found) await found[0](req, res, url, found[1]);
      else sendError(res, ERROR_CODES.NOT_FOUND, `no route for ${req.method} ${url.pathname}`);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof AppError) return sendError(res, err.code, err.message);
      logger.error({ err, path: url.pathname }, 'http request failed');
      sendError(res, ERROR_CODES.INTERNAL, 'internal error');
    }
  };
}
