import { z } from 'zod';
import { callId, DIRECTIONS, END_REASONS, entityId, epochMs } from './call';
import { QUALITY_MARKS } from './call-quality';
import { directoryPutRequestSchema, directoryPutResponseSchema, MAX_DIRECTORY_BODY_BYTES } from './directory';
import type { ErrorCode } from './errors';
import { directorySchema } from './events';
import { healthCsvQuerySchema } from './health-events';
import { loginRequestSchema, loginResponseSchema, pairRequestSchema, pairResponseSchema } from './http';
import { AUDIT_SUBJECTS } from './team';
import { MAX_SNAPSHOT_BODY_BYTES, snapshotSchema, snapshotUploadSchema } from './video';

/**
 * The HTTP API's contract, as `events.ts` is Socket.IO's: every `/api/` route with what it takes
 * (path params, querystring, JSON body), what it answers when it succeeds, and the error codes it
 * may answer in `{error: {code, message}}`. The server registers each route from its row
 * (server/src/http/routes.ts: Fastify checks the input and the JSON reply against these schemas)
 * and will not start with a row it does not serve; clients call a route only through
 * `httpRequest` (http-client.ts), typed from the same row. Who may call each route is
 * server/src/http/access.ts's table, which must list exactly these routes.
 */

/** The success reply: JSON of a schema, a CSV download, or nothing (204). */
export type HttpReply =
  | { readonly kind: 'json'; readonly schema: z.ZodType }
  | { readonly kind: 'csv'; readonly fileName: string }
  /** A file of this type (a snapshot's JPEG), downloaded as a Blob. */
  | { readonly kind: 'file'; readonly contentType: string }
  | { readonly kind: 'empty' };

export interface HttpRoute {
  /** Path parameters (`:deviceId`), parsed from the path's text. */
  readonly params?: z.ZodObject;
  /** Query parameters, read as text (a repeated key: its last value) and coerced by the schema. */
  readonly query?: z.ZodObject;
  /** A JSON body (`content-type: application/json`). */
  readonly body?: z.ZodType;
  /** The largest body accepted, in bytes, when it is not the server's default (16 KiB). */
  readonly bodyLimit?: number;
  readonly reply: HttpReply;
  /**
   * The codes this route answers beyond ANY_ROUTE_ERRORS. A route that needs a session lists
   * UNAUTHORIZED, an admin's FORBIDDEN too (access.ts checks it at start-up); the server answers
   * any other code as INTERNAL, and logs why.
   */
  readonly errors: readonly ErrorCode[];
}

/** What any route may answer: a malformed request or body, a body over the limit, a fault. */
export const ANY_ROUTE_ERRORS = ['BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'INTERNAL'] as const;

const json = <S extends z.ZodType>(schema: S) => ({ kind: 'json', schema }) as const;
const csv = <F extends string>(fileName: F) => ({ kind: 'csv', fileName }) as const;
const empty = { kind: 'empty' } as const;
const file = <T extends string>(contentType: T) => ({ kind: 'file', contentType }) as const;

/** `GET /api/history.csv`'s filters: those of `history:query`, as query text. */
export const historyCsvQuerySchema = z.object({
  staffId: entityId.optional(),
  direction: z.enum(DIRECTIONS).optional(),
  outcome: z.enum(END_REASONS).optional(),
  from: z.coerce.number().pipe(epochMs).optional(),
  to: z.coerce.number().pipe(epochMs).optional(),
  quality: z.enum(QUALITY_MARKS).optional(),
  dispositionId: entityId.optional(),
});

/** `GET /api/audit.csv`'s filter: only actions on this kind of thing. */
export const auditCsvQuerySchema = z.object({ subject: z.enum(AUDIT_SUBJECTS).optional() });

export const HTTP_ROUTES = {
  /** Consoles sign in. Wrong passwords are limited (RATE_LIMITED); a disabled agent is FORBIDDEN. */
  'POST /api/login': {
    body: loginRequestSchema,
    reply: json(loginResponseSchema),
    errors: ['UNAUTHORIZED', 'FORBIDDEN', 'RATE_LIMITED'],
  },
  /** Ends the Bearer session only; the agent's other consoles stay signed in. */
  'POST /api/logout': { reply: empty, errors: ['UNAUTHORIZED'] },
  /** A phone redeems a pairing code (wrong codes are limited per address and overall). */
  'POST /api/devices/pair': {
    body: pairRequestSchema,
    reply: json(pairResponseSchema),
    errors: ['PAIRING_CODE_INVALID', 'RATE_LIMITED'],
  },
  /** A phone, after `directory:changed`, with `Authorization: Bearer <device secret>`. */
  'GET /api/devices/:deviceId/directory': {
    params: z.object({ deviceId: entityId }),
    reply: json(directorySchema),
    errors: ['UNAUTHORIZED'],
  },
  /** The whole directory at once (a socket message holds about 1,000 entries); CONFLICT when someone saved since `baseVersion`. */
  'PUT /api/directory': {
    body: directoryPutRequestSchema,
    bodyLimit: MAX_DIRECTORY_BODY_BYTES,
    reply: json(directoryPutResponseSchema),
    errors: ['UNAUTHORIZED', 'FORBIDDEN', 'CONFLICT'],
  },
  'GET /api/history.csv': {
    query: historyCsvQuerySchema,
    reply: csv('switchboard-history.csv'),
    errors: ['UNAUTHORIZED'],
  },
  'GET /api/audit.csv': {
    query: auditCsvQuerySchema,
    reply: csv('switchboard-audit.csv'),
    errors: ['UNAUTHORIZED', 'FORBIDDEN'],
  },
  /** Every phone's health mark, fix and record, worst first; `state` keeps one mark. */
  'GET /api/health.csv': {
    query: healthCsvQuerySchema,
    reply: csv('switchboard-phone-health.csv'),
    errors: ['UNAUTHORIZED'],
  },
  /**
   * The agent takes a snapshot of the phone's video (issue 27): a JPEG of the frame as it showed,
   * kept with the call. FORBIDDEN when the team turned snapshots off or the call is another
   * agent's; CONFLICT when no video is on.
   */
  'POST /api/calls/:callId/snapshots': {
    params: z.object({ callId }),
    body: snapshotUploadSchema,
    bodyLimit: MAX_SNAPSHOT_BODY_BYTES,
    reply: json(snapshotSchema),
    errors: ['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT'],
  },
  /** A snapshot's JPEG, for any agent (as history is). */
  'GET /api/snapshots/:snapshotId': {
    params: z.object({ snapshotId: entityId }),
    reply: file('image/jpeg'),
    errors: ['UNAUTHORIZED', 'NOT_FOUND'],
  },
} as const satisfies Record<`${'GET' | 'POST' | 'PUT' | 'DELETE'} /api/${string}`, HttpRoute>;

export type HttpRouteName = keyof typeof HTTP_ROUTES;
type Route<K extends HttpRouteName> = (typeof HTTP_ROUTES)[K];
type Part<K extends HttpRouteName, P extends string> =
  Route<K> extends { [Q in P]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a route's handler is given, parsed; and what a client sends (the query as its values). */
export type HttpParams<K extends HttpRouteName> = Part<K, 'params'>;
export type HttpQuery<K extends HttpRouteName> = Part<K, 'query'>;
export type HttpBody<K extends HttpRouteName> = Part<K, 'body'>;

/** The routes that answer with a CSV download. */
export type CsvRouteName = {
  [K in HttpRouteName]: Route<K>['reply'] extends { kind: 'csv' } ? K : never;
}[HttpRouteName];

/** What each route answers when it succeeds: its JSON, parsed; a CSV file; nothing. */
type ReplyData = {
  [K in HttpRouteName]: Route<K>['reply'] extends { kind: 'json'; schema: infer S extends z.ZodType }
    ? z.output<S>
    : Route<K>['reply'] extends { kind: 'csv' } | { kind: 'file' }
      ? Blob
      : null;
};
export type HttpReplyData<K extends HttpRouteName> = ReplyData[K];

/** The codes a client may get from a route: its own, any route's, and UNAVAILABLE when it cannot reach it. */
export type HttpErrorCode<K extends HttpRouteName> =
  | Route<K>['errors'][number]
  | (typeof ANY_ROUTE_ERRORS)[number]
  | 'UNAVAILABLE';

export const httpRoute = (name: HttpRouteName): HttpRoute => HTTP_ROUTES[name];

/** `GET /api/x/:id` → `['GET', '/api/x/:id']`. */
export function routeParts(name: HttpRouteName): [method: string, path: string] {
  const space = name.indexOf(' ');
  return [name.slice(0, space), name.slice(space + 1)];
}
