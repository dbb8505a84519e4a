import { z } from 'zod';
import { APNS_ENVIRONMENTS } from '#shared';
import { MAX_TURN_TTL_MS } from '../calls/ice';
import { trustProxyProblem } from '../http/client-address';

const iceUrls = (scheme: RegExp, example: string) =>
  z.string().transform((value, ctx) => {
    const urls = value
      .split(',')
      .map((u) => u.trim())
      .filter(Boolean);
    for (const url of urls.filter((u) => !scheme.test(u))) {
      ctx.addIssue({ code: 'custom', message: `"${url}" is not one; use a URL like ${example}` });
    }
    return urls;
  });

/** Comma-separated `scheme://host[:port]` origins, as a browser sends them in `Origin`. */
const origins = z.string().transform((value, ctx) => {
  const list: string[] = [];
  for (const item of value
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(item);
    } catch {
      // reported below
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== item.replace(/\/$/, '')) {
      ctx.addIssue({
        code: 'custom',
        message: `"${item}" is not an origin; use e.g. https://console.example.com`,
      });
    } else list.push(parsed.origin);
  }
  return list;
});

/** Comma-separated proxy addresses or CIDRs (client-address.ts checks each). */
const proxies = z.string().transform((value, ctx) => {
  const list = value
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  for (const problem of list.map(trustProxyProblem)) {
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }
  return list;
});

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export const duration = z.string().transform((value, ctx) => {
  const match = DURATION.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration; use e.g. 45s, 500ms, 2m, 12h` });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS]);
});

export const configSchema = z
  .object({
    host: z.string().min(1),
    port: z.coerce.number().int().min(0).max(65535),
    'data-dir': z.string().min(1),
    db: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'use sqlite:PATH or postgres://…')
      .optional(),
    'public-url': z.url().optional(),
    'apns-key': z.string().optional(),
    'apns-key-id': z.string().optional(),
    'apns-team-id': z.string().optional(),
    'apns-bundle-id': z.string().optional(),
    'apns-env': z.enum(APNS_ENVIRONMENTS).optional(),
    'apns-endpoint': z
      .string()
      .regex(/^[^:\s]+:\d{1,5}$/, 'use host:port, e.g. 127.0.0.1:2197')
      .optional(),
    'apns-ca': z.string().optional(),
    'tls-cert': z.string().min(1).optional(),
    'tls-key': z.string().min(1).optional(),
    'web-root': z.string().min(1).optional(),
    'console-origin': origins.optional(),
    'trust-proxy': proxies.optional(),
    'metrics-token': z.string().min(16, 'the metrics token needs at least 16 characters').optional(),
    'metrics-token-file': z.string().min(1).optional(),
    'ring-timeout': duration.pipe(z.number().min(1000, 'ring timeout must be at least 1s')),
    'reconnect-grace': duration.pipe(z.number().min(1000, 'reconnect grace must be at least 1s')),
    'after-call-work': duration.pipe(z.number().max(3_600_000, 'after-call work may last at most 1h')),
    'away-grace': duration.pipe(z.number().min(1000, 'the away grace must be at least 1s')),
    'not-rung-after': duration.pipe(z.number().min(1000, 'not-rung-after must be at least 1s')),
    'health-retention': duration.pipe(z.number().min(86_400_000 * 8, 'health retention must be at least 8d')),
    'ring-records': z.enum(['on', 'off']),
    redis: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'use a URL like redis://127.0.0.1:6379')
      .optional(),
    'socket-rate': z.coerce
      .number()
      .int('socket rate must be a whole number')
      .min(1, 'socket rate must be at least 1'),
    'sign-in-address-limit': z.coerce
      .number()
      .int('the sign-in address limit must be a whole number')
      .min(10, 'the sign-in address limit must be at least 10'),
    'node-ttl': duration.pipe(z.number().min(1000, 'node TTL must be at least 1s')),
    stun: iceUrls(/^stuns?:[^\s,]+$/, 'stun:stun.example.com:3478').optional(),
    turn: iceUrls(/^turns?:[^\s,]+$/, 'turn:turn.example.com:3478').optional(),
    'turn-secret': z.string().min(1).optional(),
    'turn-secret-file': z.string().min(1).optional(),
    'turn-ttl': duration.pipe(
      z
        .number()
        // Credentials work from half the TTL, and the console renews them a minute before they end.
        .min(2 * 60_000, 'TURN credentials must work at least 2m')
        .max(
          MAX_TURN_TTL_MS,
          'TURN credentials may work at most 10m: the console renews them during longer calls',
        ),
    ),
    'ice-policy': z.enum(['all', 'relay']),
    'session-ttl': duration.pipe(z.number().min(60_000, 'session TTL must be at least 1m')),
    'log-level': z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  })
  .superRefine((c, ctx) => {
    const apns = ['apns-key', 'apns-key-id', 'apns-team-id', 'apns-bundle-id'] as const;
    const given = apns.filter((k) => c[k] !== undefined);
    if (given.length > 0 && given.length < apns.length) {
      const missing = apns.filter((k) => c[k] === undefined).map((k) => `--${k}`);
      ctx.addIssue({
        code: 'custom',
        message: `APNs needs all four of its options; missing ${missing.join(', ')}`,
      });
    }
    if (c['apns-ca'] !== undefined && c['apns-endpoint'] === undefined) {
      ctx.addIssue({ code: 'custom', message: '--apns-ca only makes sense with --apns-endpoint' });
    }
    const turn = (c.turn?.length ?? 0) > 0;
    const secrets = [c['turn-secret'], c['turn-secret-file']].filter((v) => v !== undefined).length;
    if (secrets > 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'give the TURN secret once: either SWITCHBOARD_TURN_SECRET or --turn-secret-file',
      });
    }
    if (turn !== secrets > 0) {
      ctx.addIssue({
        code: 'custom',
        message: turn
          ? "--turn needs the TURN server's static-auth-secret (SWITCHBOARD_TURN_SECRET or --turn-secret-file) to mint credentials"
          : 'a TURN secret only makes sense with --turn',
      });
    }
    if (c['ice-policy'] === 'relay' && !turn) {
      ctx.addIssue({ code: 'custom', message: '--ice-policy relay needs a TURN server (--turn)' });
    }
    if (c['metrics-token'] !== undefined && c['metrics-token-file'] !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'give the metrics token once: either SWITCHBOARD_METRICS_TOKEN or --metrics-token-file',
      });
    }
    if ((c['tls-cert'] === undefined) !== (c['tls-key'] === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'TLS needs both --tls-cert and --tls-key' });
    }
    if (c.redis !== undefined && !/^postgres(ql)?:\/\//.test(c.db ?? '')) {
      ctx.addIssue({
        code: 'custom',
        message:
          'cluster mode (--redis) needs PostgreSQL (--db postgres://…): every node shares one database, ' +
          "and SQLite is one process's file",
      });
    }
  });
