import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { IceConfig } from '../calls/ice';
import { checkTls, type TlsConfig } from '../http/tls';
import { OPTIONS, REPEATABLE, SECRET_OPTIONS } from './options';
import { configSchema } from './schema';
import { socketRate } from './server';

export { OPTIONS, type OptionName } from './options';
export { duration } from './schema';

export interface CliConfig {
  host: string;
  port: number;
  dataDir: string;
  db: string;
  /** Cluster mode: the Redis every node shares (the database must then be PostgreSQL). */
  redis: string | null;
  /** Requests a second per socket, and the burst allowed above it. */
  socketRate: { perSecond: number; burst: number };
  /** Wrong passwords one address may send in 15 minutes (auth/sign-in-limits.ts). */
  signInAddressLimit: number;
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
  afterCallWorkMs: number;
  awayGraceMs: number;
  /** A phone still silent this long after its push is noted, and its staff's fallback rung. */
  notRungAfterMs: number;
  /** How long daily ring records are kept. */
  healthRetentionMs: number;
  /** Whether calls' ends go into phones' ring records (off: the baseline of bench/health.ts). */
  ringRecords: boolean;
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
  // Only when asked for: the default (5s) outlasting a short --ring-timeout just never shows.
  const notRungAsked = parsed.values['not-rung-after'] !== undefined || env[OPTIONS['not-rung-after'].env];
  if (notRungAsked && c['not-rung-after'] >= c['ring-timeout']) {
    const s = (ms: number) => `${ms / 1000}s`;
    throw new ConfigError(
      `--not-rung-after (${s(c['not-rung-after'])}) must be shorter than --ring-timeout ` +
        `(${s(c['ring-timeout'])}): the call has stopped ringing by then, so no phone would ever show as not rung yet`,
    );
  }
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
      afterCallWorkMs: c['after-call-work'],
      awayGraceMs: c['away-grace'],
      notRungAfterMs: c['not-rung-after'],
      healthRetentionMs: c['health-retention'],
      ringRecords: c['ring-records'] === 'on',
      redis: c.redis ?? null,
      nodeTtlMs: c['node-ttl'],
      socketRate: socketRate(c['socket-rate']),
      signInAddressLimit: c['sign-in-address-limit'],
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
