import type { FastifyPluginAsync } from 'fastify';
import {
  type Call,
  type CallQuality,
  type Clock,
  ERROR_CODES,
  type HttpQuery,
  transferLine,
  transfersOf,
} from '#shared';
import { LoginService } from '../auth/login';
import type { PairingService } from '../auth/pairing';
import { secretMatches } from '../auth/secrets';
import type { SessionAuth } from '../auth/session-auth';
import type { SignInLimits } from '../auth/sign-in-limits';
import { AppError } from '../errors';
import { QualityService } from '../quality/service';
import { DirectoryConflictError } from '../storage/directory';
import type { Storage } from '../storage/types';
import type { AuditLog } from '../team/audit';
import { actorOf } from './access';
import { bearerToken, clientIp } from './app';
import { route } from './routes';

export interface ApiContext {
  storage: Storage;
  clock: Clock;
  pairing: PairingService;
  sessionTtlMs: number;
  /** The session check; told of a sign-out, so the session's open consoles close everywhere. */
  auth: SessionAuth;
  /** How wrong passwords slow sign-in (auth/sign-in-limits.ts), in the store every node shares. */
  signInLimits: SignInLimits;
  /** Told when `PUT /api/directory` saved a new version, so phones fetch it (`directory:changed`). */
  directoryChanged: (version: number) => void;
  /** The trail of who changed the directory (the route is admin-only: access.ts). */
  audit: AuditLog;
}

/** The HTTP API: sign-in, sign-out, pairing, history export, the directory for phones. */
export function apiRoutes(ctx: ApiContext): FastifyPluginAsync {
  return async (app) => {
    sessionRoutes(app, ctx);
    phoneRoutes(app, ctx);
    consoleRoutes(app, ctx);
  };
}

type App = Parameters<FastifyPluginAsync>[0];

/** Sign-in and sign-out of consoles. */
function sessionRoutes(app: App, ctx: ApiContext): void {
  const logins = new LoginService({
    storage: ctx.storage,
    clock: ctx.clock,
    sessionTtlMs: ctx.sessionTtlMs,
    limits: ctx.signInLimits,
  });

  // Limits count wrong passwords only (auth/sign-in-limits.ts), so people sharing an address all
  // sign in.
  route(app, 'POST /api/login', async (req) => {
    const { name, password } = req.body;
    // A console that still holds one of this agent's sessions is trusted past the backoffs.
    const holder = await ctx.auth.verify(bearerToken(req)).catch(() => null);
    return logins.signIn(name, password, clientIp(req), holder);
  });

  /** Signs out this session only; the agent's other consoles stay signed in. */
  route(app, 'POST /api/logout', async (req) => {
    const { tokenHash } = actorOf(req);
    await ctx.storage.sessions.remove(tokenHash);
    await ctx.auth.changed({ tokenHash });
  });
}

/** What phones call: pairing, and the caller-ID directory after `directory:changed`. */
function phoneRoutes(app: App, ctx: ApiContext): void {
  route(app, 'POST /api/devices/pair', async (req) => ctx.pairing.redeem(req.body, clientIp(req)));

  /** For phones, after `directory:changed`: `Authorization: Bearer <device secret>`. */
  route(app, 'GET /api/devices/:deviceId/directory', async (req) => {
    const secret = bearerToken(req);
    const device = await ctx.storage.devices.get(req.params.deviceId);
    if (!device || !secret || !secretMatches(secret, device.secretHash)) {
      throw new AppError(ERROR_CODES.UNAUTHORIZED, 'unknown device or wrong secret');
    }
    return ctx.storage.directory.get();
  });
}

/** What consoles do over HTTP rather than their socket: bulk directory saves, CSV exports. */
function consoleRoutes(app: App, ctx: ApiContext): void {
  // Bulk saves go over HTTP: a socket message is capped at 64 KB, about 1,000 entries.
  // The session and role are checked (access.ts) before a body of up to 6 MiB is read.
  route(app, 'PUT /api/directory', async (req) => {
    const { entries, baseVersion } = req.body;
    let version: number;
    try {
      version = await ctx.storage.directory.set(entries, ctx.clock.now(), baseVersion);
    } catch (e) {
      if (e instanceof DirectoryConflictError) throw new AppError(ERROR_CODES.CONFLICT, e.message);
      throw e;
    }
    ctx.directoryChanged(version);
    const blocked = entries.filter((e) => e.blocked).length;
    const { agentId: id, name } = actorOf(req);
    await ctx.audit.record(
      { id, name },
      'directory.replaced',
      null,
      `${entries.length} numbers (${blocked} blocked), version ${version}`,
    );
    return { version };
  });

  route(app, 'GET /api/history.csv', async (req) => csvPages(ctx, req.query));
}

/** Streamed a page at a time, so an export of years of calls never sits whole in memory. */
async function* csvPages(ctx: ApiContext, filter: HttpQuery<'GET /api/history.csv'>): AsyncGenerator<string> {
  const quality = new QualityService(ctx);
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let cursor: string | undefined;
  do {
    const page = await ctx.storage.calls.query(filter, { cursor, limit: 200 });
    const sounded = await quality.forCalls(page.calls);
    if (page.calls.length > 0)
      yield page.calls.map((call) => `${csvRow(call, sounded[call.id])}\r\n`).join('');
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

const CSV_COLUMNS = [
  'id',
  'direction',
  'staff_id',
  'agent_id',
  'outcome',
  'created_at',
  'answered_at',
  'ended_at',
  'duration_s',
  'answered_by_device',
  'devices',
  'transfers',
  'quality',
  'mos',
  'disposition',
  'note',
];

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** RFC 4180: quote a field that holds a comma, quote or line break, doubling inner quotes. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

/**
 * Text an agent typed, which a spreadsheet must not run: one starting with = + - @ (or a tab or
 * carriage return) is a formula to Excel and LibreOffice, so it gets a leading apostrophe (OWASP's
 * CSV injection advice).
 */
const typedText = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

function csvRow(call: Call, quality: CallQuality | undefined): string {
  const duration =
    call.answeredAt !== null && call.endedAt !== null
      ? ((call.endedAt - call.answeredAt) / 1000).toFixed(1)
      : '';
  return [
    call.id,
    call.direction,
    call.staffId,
    call.agentId ?? '',
    call.endReason ?? call.state,
    iso(call.createdAt),
    iso(call.answeredAt),
    iso(call.endedAt),
    duration,
    call.answeredByDeviceId ?? '',
    call.devices.map((l) => l.deviceId).join(' '),
    transfersOf(call).map(transferLine).join('; '),
    quality?.mark ?? '',
    quality?.mos?.toFixed(2) ?? '',
    typedText(call.wrapUp?.dispositionName ?? ''),
    typedText(call.wrapUp?.note ?? ''),
  ]
    .map(csvField)
    .join(',');
}
