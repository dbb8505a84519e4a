import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { APNS_ENVIRONMENTS } from '#shared';
import { type IceConfig, MAX_TURN_TTL_MS } from './calls/ice';
import { trustProxyProblem } from './http/client-address';
import { checkTls, type TlsConfig } from './http/tls';

/** Every option is a flag and an environment variable; the flag wins. Order here is `--help`'s. */
export const OPTIONS = {
  host: { env: 'SWITCHBOARD_HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: { env: 'SWITCHBOARD_PORT', default: '4780', help: 'port to listen on (0 = any free port)' },
  'data-dir': {
    env: 'SWITCHBOARD_DATA_DIR',
    default: './data',
    help: 'folder for the SQLite database and keys',
  },
  db: {
    env: 'SWITCHBOARD_DB',
    default: undefined,
    help: 'sqlite:PATH or postgres://user:pass@host:port/db (default: sqlite:<data-dir>/switchboard.db)',
  },
  'public-url': {
    env: 'SWITCHBOARD_PUBLIC_URL',
    default: undefined,
    help: 'URL phones reach this server at, put in pairing QR codes (default: the listen address)',
  },
  'apns-key': { env: 'SWITCHBOARD_APNS_KEY', default: undefined, help: 'path to the APNs .p8 auth key' },
  'apns-key-id': { env: 'SWITCHBOARD_APNS_KEY_ID', default: undefined, help: "the key's 10-character id" },
  'apns-team-id': {
    env: 'SWITCHBOARD_APNS_TEAM_ID',
    default: undefined,
    help: 'your 10-character Apple team id',
  },
  'apns-bundle-id': {
    env: 'SWITCHBOARD_APNS_BUNDLE_ID',
    default: undefined,
    help: "the iOS app's bundle id (the VoIP topic <bundle-id>.voip is derived)",
  },
  'apns-env': {
    env: 'SWITCHBOARD_APNS_ENV',
    default: undefined,
    help: 'sandbox|production: force one APNs environment (default: what each phone reports)',
  },
  'apns-endpoint': {
    env: 'SWITCHBOARD_APNS_ENDPOINT',
    default: undefined,
    help: 'host:port of an APNs emulator instead of Apple',
  },
  'apns-ca': {
    env: 'SWITCHBOARD_APNS_CA',
    default: undefined,
    help: "PEM file to trust for the emulator's TLS",
  },
  'tls-cert': {
    env: 'SWITCHBOARD_TLS_CERT',
    default: undefined,
    help: 'PEM certificate (chain) file: serve HTTPS and Socket.IO over TLS (needs --tls-key); a self-signed one goes into pairing links for phones to pin',
  },
  'tls-key': {
    env: 'SWITCHBOARD_TLS_KEY',
    default: undefined,
    help: "the certificate's PEM private key file",
  },
  'web-root': {
    env: 'SWITCHBOARD_WEB_ROOT',
    default: undefined,
    help: 'folder of the built web console served at / (default: dist/web in the repository)',
  },
  'console-origin': {
    env: 'SWITCHBOARD_CONSOLE_ORIGINS',
    default: undefined,
    help: 'a browser origin besides the desktop app and this server that may use the API and sockets, e.g. https://console.example.com (repeat, or commas)',
  },
  'trust-proxy': {
    env: 'SWITCHBOARD_TRUST_PROXY',
    default: undefined,
    help: 'a proxy (address or CIDR, e.g. 10.0.0.5 or 10.0.0.0/8, or loopback) whose X-Forwarded-For names the client, for HTTP and Socket.IO alike (repeat, or commas); none by default',
  },
  'metrics-token': {
    env: 'SWITCHBOARD_METRICS_TOKEN',
    default: undefined,
    help: 'the bearer token /metrics asks of clients not on this machine, from the environment only (none: loopback only)',
  },
  'metrics-token-file': {
    env: 'SWITCHBOARD_METRICS_TOKEN_FILE',
    default: undefined,
    help: 'a file holding the /metrics bearer token (its first line), instead of SWITCHBOARD_METRICS_TOKEN',
  },
  'ring-timeout': {
    env: 'SWITCHBOARD_RING_TIMEOUT',
    default: '45s',
    help: 'how long a call rings before it is missed',
  },
  'reconnect-grace': {
    env: 'SWITCHBOARD_RECONNECT_GRACE',
    default: '30s',
    help: 'how long a call waits for a phone or console that dropped mid-call before it ends failed',
  },
  redis: {
    env: 'SWITCHBOARD_REDIS',
    default: undefined,
    help: 'redis://host:6379: run as one node of a cluster sharing this Redis and the --db PostgreSQL',
  },
  'socket-rate': {
    env: 'SWITCHBOARD_SOCKET_RATE',
    default: '20',
    help: 'requests a second each console or phone socket may make, in bursts of up to three times as many; more are refused RATE_LIMITED',
  },
  'node-ttl': {
    env: 'SWITCHBOARD_NODE_TTL',
    default: '15s',
    help: 'cluster mode: a node silent this long is dead; its phones and consoles go offline and its cancels are sent by another node',
  },

  stun: {
    env: 'SWITCHBOARD_STUN',
    default: undefined,
    help: 'STUN server URL(s) for calls, e.g. stun:stun.example.com:3478 (repeat, or separate with commas)',
  },
  turn: {
    env: 'SWITCHBOARD_TURN',
    default: undefined,
    help: 'TURN server URL(s), e.g. turn:turn.example.com:3478?transport=udp (repeat, or commas)',
  },
  'turn-secret': {
    env: 'SWITCHBOARD_TURN_SECRET',
    default: undefined,
    help: "the TURN server's shared secret (coturn static-auth-secret), from the environment only: credentials are minted per call",
  },
  'turn-secret-file': {
    env: 'SWITCHBOARD_TURN_SECRET_FILE',
    default: undefined,
    help: "a file holding the TURN server's shared secret (its first line), instead of SWITCHBOARD_TURN_SECRET",
  },
  'turn-ttl': {
    env: 'SWITCHBOARD_TURN_TTL',
    default: '10m',
    help: 'the longest minted TURN credentials work, 2m to 10m (the console renews them during longer calls)',
  },
  'ice-policy': {
    env: 'SWITCHBOARD_ICE_POLICY',
    default: 'all',
    help: 'all|relay: relay sends every call through TURN',
  },
  'session-ttl': {
    env: 'SWITCHBOARD_SESSION_TTL',
    default: '12h',
    help: 'how long an agent stays signed in',
  },
  'log-level': {
    env: 'SWITCHBOARD_LOG_LEVEL',
    default: 'info',
    help: 'fatal|error|warn|info|debug|trace|silent',
  },
} as const;

export type OptionName = keyof typeof OPTIONS;

/**
 * Secrets that are taken from the environment or a file but never from the command line, where
 * every user of the machine sees them (`ps`) and the shell's history keeps them (issue 20 item 9).
 */
const SECRET_OPTIONS = {
  'metrics-token':
    '--metrics-token would put the token in ps and your shell history; set SWITCHBOARD_METRICS_TOKEN or use --metrics-token-file FILE',
  'turn-secret':
    '--turn-secret would put the secret in ps and your shell history; set SWITCHBOARD_TURN_SECRET or use --turn-secret-file FILE',
} as const satisfies Partial<Record<keyof typeof OPTIONS, string>>;

/** Options that may be given more than once (and hold a comma-separated list in the environment). */
const REPEATABLE: ReadonlySet<string> = new Set(['stun', 'turn', 'console-origin', 'trust-proxy']);
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

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

export const duration = z.string().transform((value, ctx) => {
  const match = DURATION.exec(value.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: `"${value}" is not a duration; use e.g. 45s, 500ms, 2m, 12h` });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS]);
});

const configSchema = z
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
    redis: z
      .string()
      .regex(/^rediss?:\/\/\S+$/, 'use a URL like redis://127.0.0.1:6379')
      .optional(),
    'socket-rate': z.coerce
      .number()
      .int('socket rate must be a whole number')
      .min(1, 'socket rate must be at least 1'),
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

export interface CliConfig {
  host: string;
  port: number;
  dataDir: string;
  db: string;
  /** Cluster mode: the Redis every node shares (the database must then be PostgreSQL). */
  redis: string | null;
  /** Requests a second per socket, and the burst allowed above it. */
  socketRate: { perSecond: number; burst: number };
  /** Cluster mode: how long a silent node counts as alive, and how long a cancel it had under way waits. */
  nodeTtlMs: number;
  publicUrl: string | undefined;
  apns: {
    keyPath: string;
    keyId: string;
    teamId: string;
    bundleId: string;
    forceEnvironment: 'sandbox' | 'production' | undefined;
    endpoint: { address: string; port: number; caPath: string | undefined } | undefined;
  } | null;
  /** Absolute; undefined means the server's default (`dist/web` in the repository). */
  webRoot: string | undefined;
  /** HTTPS with this certificate and key (PEM text, read from the files given); null: plain HTTP. */
  tls: TlsConfig | null;
  /** Browser origins, besides the desktop app and this server, allowed to use the API and sockets. */
  consoleOrigins: string[];
  /** Proxies whose X-Forwarded-For is believed (addresses or CIDRs); empty: none. */
  trustProxy: string[];
  /** The bearer token `/metrics` asks of clients not on loopback; null: loopback only. */
  metricsToken: string | null;
  ringTimeoutMs: number;
  reconnectGraceMs: number;
  sessionTtlMs: number;
  /** STUN and TURN for calls' media (see server/src/calls/ice.ts). */
  ice: IceConfig;
  logLevel: string;
}

export class ConfigError extends Error {}

/** Reads flags then environment then defaults; throws ConfigError with every problem listed. */
export function parseConfig(
  args: string[],
  env: NodeJS.ProcessEnv,
  extraFlags: Record<string, { type: 'boolean' }> = {},
): { config: CliConfig; flags: Record<string, boolean>; positionals: string[] } {
  const flagOptions = Object.fromEntries(
    Object.keys(OPTIONS).map((k) => [k, { type: 'string' as const, multiple: REPEATABLE.has(k) }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...flagOptions, ...extraFlags, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  for (const [name, refusal] of Object.entries(SECRET_OPTIONS)) {
    if (parsed.values[name] !== undefined) throw new ConfigError(refusal);
  }
  const raw: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(OPTIONS)) {
    const flag = parsed.values[name] as string | string[] | undefined;
    raw[name] = (Array.isArray(flag) ? flag.join(',') : flag) ?? env[spec.env] ?? spec.default;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) =>
      i.path.length ? `--${i.path.join('.')}: ${i.message}` : i.message,
    );
    throw new ConfigError(lines.join('\n'));
  }
  const c = result.data;
  const dataDir = path.resolve(c['data-dir']);
  const [address, port] = c['apns-endpoint']?.split(':') ?? [];
  const flags = Object.fromEntries(
    Object.keys(extraFlags).map((k) => [k, parsed.values[k] === true]),
  ) as Record<string, boolean>;
  flags.help = parsed.values.help === true;
  return {
    flags,
    positionals: parsed.positionals,
    config: {
      host: c.host,
      port: c.port,
      dataDir,
      db: c.db ?? `sqlite:${path.join(dataDir, 'switchboard.db')}`,
      publicUrl: c['public-url'],
      apns: c['apns-key']
        ? {
            keyPath: path.resolve(c['apns-key']),
            keyId: c['apns-key-id']!,
            teamId: c['apns-team-id']!,
            bundleId: c['apns-bundle-id']!,
            forceEnvironment: c['apns-env'],
            endpoint: address
              ? { address, port: Number(port), caPath: c['apns-ca'] ? path.resolve(c['apns-ca']) : undefined }
              : undefined,
          }
        : null,
      webRoot: c['web-root'] ? path.resolve(c['web-root']) : undefined,
      tls: c['tls-cert'] && c['tls-key'] ? readTls(c['tls-cert'], c['tls-key']) : null,
      consoleOrigins: c['console-origin'] ?? [],
      trustProxy: c['trust-proxy'] ?? [],
      metricsToken:
        c['metrics-token'] ??
        (c['metrics-token-file'] ? readSecretFile(c['metrics-token-file'], '--metrics-token-file') : null),
      ringTimeoutMs: c['ring-timeout'],
      reconnectGraceMs: c['reconnect-grace'],
      redis: c.redis ?? null,
      nodeTtlMs: c['node-ttl'],
      socketRate: { perSecond: c['socket-rate'], burst: 3 * c['socket-rate'] },
      sessionTtlMs: c['session-ttl'],
      ice: {
        stun: c.stun ?? [],
        turn: c.turn ?? [],
        turnSecret:
          c['turn-secret'] ??
          (c['turn-secret-file'] ? readSecretFile(c['turn-secret-file'], '--turn-secret-file') : null),
        turnTtlMs: c['turn-ttl'],
        policy: c['ice-policy'],
      },
      logLevel: c['log-level'],
    },
  };
}

/** The certificate and key files, read and checked to belong together. */
function readTls(certFile: string, keyFile: string): TlsConfig {
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${flag}: cannot read ${file}: ${(e as Error).message}`);
    }
  };
  const tls = { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key') };
  try {
    checkTls(tls);
  } catch (e) {
    throw new ConfigError(`--tls-cert, --tls-key: ${(e as Error).message}`);
  }
  return tls;
}

/** The first line of a file holding a secret (a trailing newline is not part of it). */
export function readSecretFile(file: string, flag: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(`${flag}: cannot read ${file}: ${(e as Error).message}`);
  }
  const secret = text.split(/\r?\n/)[0] ?? '';
  if (secret === '') throw new ConfigError(`${flag}: ${file} is empty`);
  return secret;
}

export function helpText(extra: string[] = []): string {
  const width = Math.max(...Object.keys(OPTIONS).map((k) => k.length)) + 4;
  const rows = Object.entries(OPTIONS).map(([name, spec]) => {
    const def = spec.default !== undefined ? ` [${spec.default}]` : '';
    return `  --${name.padEnd(width)}${spec.help}${def}\n  ${' '.repeat(width + 2)}env ${spec.env}`;
  });
  return [
    'Usage: npm run server -- [options]',
    '       npm run server -- agents add NAME [--role admin|agent] [--password-file FILE]',
    '       (the password: asked on a terminal, else --password-file or SWITCHBOARD_AGENT_PASSWORD, else generated)',
    '       npm run server -- agents list | agents role NAME admin|agent | agents remove NAME',
    '       (the first agent is an admin unless --role says otherwise; later ones are agents)',
    '',
    'Options:',
    ...rows,
    ...extra,
    '  --help, -h            show this help',
  ].join('\n');
}
