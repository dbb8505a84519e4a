import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { Clock } from '#shared';
import {
  type Call,
  DIRECTIONS,
  describeZodError,
  END_REASONS,
  ERROR_CODES,
  entityId,
  epochMs,
  loginRequestSchema,
  pairRequestSchema,
} from '#shared';
import { hashSecret, newSecret, secretMatches, verifyPassword } from './auth';
import { AppError } from './errors';
import { bearerToken, clientIp, type Route, readJson, sendJson } from './http';
import type { Metrics } from './metrics';
import type { PairingService } from './pairing';
import { RateLimiter } from './rate-limit';
import type { Storage } from './storage/types';

export interface ApiContext {
  storage: Storage;
  clock: Clock;
  metrics: Metrics;
  pairing: PairingService;
  sessionTtlMs: number;
  startedAt: number;
}

const historyFilterSchema = z.object({
  staffId: entityId.optional(),
  direction: z.enum(DIRECTIONS).optional(),
  outcome: z.enum(END_REASONS).optional(),
  from: z.coerce.number().pipe(epochMs).optional(),
  to: z.coerce.number().pipe(epochMs).optional(),
});

/** The HTTP API: sign-in, pairing, history export, the directory for phones, health and metrics. */
export function apiRoutes(ctx: ApiContext): Record<string, Route> {
  const loginLimiter = new RateLimiter(ctx.clock, 10, 10 / 60);

  const requireAgent = async (req: IncomingMessage): Promise<string> => {
    const token = bearerToken(req);
    const session = token ? await ctx.storage.sessions.find(hashSecret(token)) : null;
    if (!session || session.expiresAt <= ctx.clock.now()) {
      throw new AppError(ERROR_CODES.UNAUTHORIZED, 'sign in first (Authorization: Bearer <session token>)');
    }
    return session.agentId;
  };

  return {
    'GET /healthz': async (_req, res) => {
      sendJson(res, 200, { ok: true, engine: ctx.storage.engine, uptimeMs: ctx.clock.now() - ctx.startedAt });
    },
    'GET /metrics': async (_req, res) => {
      res.writeHead(200, { 'content-type': ctx.metrics.registry.contentType });
      res.end(await ctx.metrics.registry.metrics());
    },
    'POST /api/login': async (req, res) => {
      if (!loginLimiter.take(clientIp(req))) {
        throw new AppError(ERROR_CODES.RATE_LIMITED, 'too many sign-in attempts; wait a minute');
      }
      const body = await readJson(req, loginRequestSchema);
      const agent = await ctx.storage.agents.findByName(body.name);
      if (!agent || !(await verifyPassword(body.password, agent.passwordHash))) {
        throw new AppError(ERROR_CODES.UNAUTHORIZED, 'wrong name or password');
      }
      const token = newSecret();
      const now = ctx.clock.now();
      const expiresAt = now + ctx.sessionTtlMs;
      await ctx.storage.sessions.create({
        tokenHash: hashSecret(token),
        agentId: agent.id,
        createdAt: now,
        expiresAt,
      });
      sendJson(res, 200, { token, agentId: agent.id, name: agent.name, expiresAt });
    },
    'POST /api/devices/pair': async (req, res) => {
      const body = await readJson(req, pairRequestSchema);
      sendJson(res, 200, await ctx.pairing.redeem(body, clientIp(req)));
    },
    /** For phones, after `directory:changed`: `Authorization: Bearer <device secret>`. */
    'GET /api/devices/:deviceId/directory': async (req, res, _url, params) => {
      const secret = bearerToken(req);
      const device = await ctx.storage.devices.get(params.deviceId ?? '');
      if (!device || !secret || !secretMatches(secret, device.secretHash)) {
        throw new AppError(ERROR_CODES.UNAUTHORIZED, 'unknown device or wrong secret');
      }
      sendJson(res, 200, await ctx.storage.directory.get());
    },
    'GET /api/history.csv': async (req, res, url) => {
      await requireAgent(req);
      const parsed = historyFilterSchema.safeParse(Object.fromEntries(url.searchParams));
      if (!parsed.success) {
        throw new AppError(ERROR_CODES.BAD_REQUEST, describeZodError(parsed.error));
      }
      res.writeHead(200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="switchboard-history.csv"',
      });
      res.write(`${CSV_COLUMNS.join(',')}\r\n`);
      let cursor: string | undefined;
      do {
        const page = await ctx.storage.calls.query(parsed.data, { cursor, limit: 200 });
        for (const call of page.calls) res.write(`${csvRow(call)}\r\n`);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      res.end();
    },
  };
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
];

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** RFC 4180: quote a field that holds a comma, quote or line break, doubling inner quotes. */
const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

function csvRow(call: Call): string {
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
  ]
    .map(csvField)
    .join(',');
}
