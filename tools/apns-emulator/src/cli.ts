import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ApnsEmulator } from './emulator';
import type { TlsMaterial } from './keys';
import { APNS_ENVIRONMENTS, type ApnsEnvironment } from './types';

const OPTIONS = {
  port: { type: 'string', default: '2197', help: 'port to listen on (0 = any free port)' },
  host: { type: 'string', default: '127.0.0.1', help: 'address to listen on' },
  environment: {
    type: 'string',
    default: 'sandbox',
    help: 'sandbox|production: the APNs environment to play',
  },
  'data-dir': {
    type: 'string',
    default: './.apns-emulator',
    help: 'folder for the provider key (.p8), the TLS certificate and ca.pem; reused when present',
  },
  'accept-unknown-tokens': {
    type: 'boolean',
    default: false,
    help: 'accept pushes to tokens nobody registered (benchmarks)',
  },
  'log-level': {
    type: 'string',
    default: 'warn',
    help: 'fatal|error|warn|info|debug|silent (logs go to stderr)',
  },
  help: { type: 'boolean', default: false, help: 'show this help' },
} as const;

export class UsageError extends Error {}

export function helpText(): string {
  const rows = Object.entries(OPTIONS).map(([name, o]) => {
    const def = o.type === 'string' ? ` [${o.default}]` : '';
    return `  --${name.padEnd(24)}${o.help}${def}`;
  });
  return [
    'Usage: npm run apns-emulator -- [options]',
    '',
    'An APNs provider API emulator (HTTP/2 + TLS) for developing without Apple. It makes (or reuses)',
    'a provider key and a TLS certificate in the data folder and prints the server flags that use them.',
    'Devices are registered and faults scripted through its control API under /_emulator/.',
    '',
    'Options:',
    ...rows,
  ].join('\n');
}

export interface CliOptions {
  port: number;
  host: string;
  environment: ApnsEnvironment;
  dataDir: string;
  acceptUnknownTokens: boolean;
  logLevel: string;
  help: boolean;
}

export function parseCli(args: string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const port = Number(values.port);
  if (!/^\d{1,5}$/.test(String(values.port)) || port > 65535) {
    throw new UsageError(`--port "${values.port}" is not a port number (0-65535)`);
  }
  const environment = String(values.environment);
  if (!(APNS_ENVIRONMENTS as readonly string[]).includes(environment)) {
    throw new UsageError(`--environment "${environment}" must be sandbox or production`);
  }
  const logLevel = String(values['log-level']);
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new UsageError(`--log-level "${logLevel}" must be one of fatal, error, warn, info, debug, silent`);
  }
  return {
    port,
    host: String(values.host),
    environment: environment as ApnsEnvironment,
    dataDir: path.resolve(String(values['data-dir'])),
    acceptUnknownTokens: values['accept-unknown-tokens'] === true,
    logLevel,
    help: values.help === true,
  };
}

interface Material {
  keyId: string;
  teamId: string;
  keyPath: string;
  privateKeyPem: string;
  caPath: string;
  tls: TlsMaterial;
}

/** Makes the provider key and TLS certificate in `dir`, or reuses the ones already there. */
export async function prepareDataDir(dir: string): Promise<Material> {
  const { generateProviderKey, generateTlsCertificate } = await import('./keys');
  mkdirSync(dir, { recursive: true });
  const idsPath = path.join(dir, 'emulator.json');
  let ids: { keyId: string; teamId: string } | null = null;
  if (existsSync(idsPath)) {
    const saved = JSON.parse(readFileSync(idsPath, 'utf8')) as { keyId?: string; teamId?: string };
    if (saved.keyId && saved.teamId && existsSync(path.join(dir, `AuthKey_${saved.keyId}.p8`))) {
      ids = { keyId: saved.keyId, teamId: saved.teamId };
    }
  }
  let privateKeyPem: string;
  if (ids) {
    privateKeyPem = readFileSync(path.join(dir, `AuthKey_${ids.keyId}.p8`), 'utf8');
  } else {
    const key = generateProviderKey();
    ids = { keyId: key.keyId, teamId: key.teamId };
    privateKeyPem = key.privateKeyPem;
    writeSecret(path.join(dir, `AuthKey_${key.keyId}.p8`), privateKeyPem);
    writeFileSync(idsPath, `${JSON.stringify(ids, null, 2)}\n`);
    for (const f of readdirSync(dir)) {
      if (/^AuthKey_.*\.p8$/.test(f) && f !== `AuthKey_${key.keyId}.p8`) {
        process.stderr.write(`note: ${path.join(dir, f)} is no longer used\n`);
      }
    }
  }

  const caPath = path.join(dir, 'ca.pem');
  const tlsKeyPath = path.join(dir, 'tls-key.pem');
  let tls: TlsMaterial | null = null;
  if (existsSync(caPath) && existsSync(tlsKeyPath)) {
    const cert = readFileSync(caPath, 'utf8');
    const validTo = Date.parse(new X509Certificate(cert).validTo);
    if (validTo > Date.now() + 24 * 3600 * 1000) tls = { cert, key: readFileSync(tlsKeyPath, 'utf8') };
  }
  if (!tls) {
    tls = await generateTlsCertificate();
    writeFileSync(caPath, tls.cert);
    writeSecret(tlsKeyPath, tls.key);
  }
  return { ...ids, keyPath: path.join(dir, `AuthKey_${ids.keyId}.p8`), privateKeyPem, caPath, tls };
}

function writeSecret(file: string, content: string) {
  writeFileSync(file, content, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The host to put in --apns-endpoint: the server's config wants host:port without brackets. */
function endpointHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? 'localhost' : host;
}

export async function main(args: string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`apns-emulator: ${err.message}\nRun with --help to see every option.\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  // Listen before printing anything: whoever reads the banner may signal at once. Stay subscribed
  // until closed, so a second signal while closing does not kill the process midway.
  let onSignal: (signal: string) => void = () => {};
  const stopped = new Promise<string>((resolve) => {
    onSignal = resolve;
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Loaded only now: --help and usage errors answer without them.
  const [{ pino }, { startApnsEmulator }, { publicKeyOf }] = await Promise.all([
    import('pino'),
    import('./emulator'),
    import('./keys'),
  ]);
  const material = await prepareDataDir(opts.dataDir);
  const logger = pino({ level: opts.logLevel, base: { service: 'apns-emulator' } }, pino.destination(2));
  let emulator: ApnsEmulator;
  try {
    emulator = await startApnsEmulator({
      port: opts.port,
      host: opts.host,
      environment: opts.environment,
      keys: [
        { keyId: material.keyId, teamId: material.teamId, publicKeyPem: publicKeyOf(material.privateKeyPem) },
      ],
      acceptUnknownTokens: opts.acceptUnknownTokens,
      tls: material.tls,
      logger,
    });
  } catch (err) {
    process.stderr.write(
      `apns-emulator: cannot listen on ${opts.host}:${opts.port}: ${(err as Error).message}\n`,
    );
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return 1;
  }
  const endpoint = `${endpointHost(opts.host)}:${emulator.port}`;
  process.stdout.write(
    [
      `APNs emulator (${opts.environment}) listening on ${emulator.url}`,
      `  endpoint     ${endpoint}`,
      `  CA           ${material.caPath}`,
      `  key          ${material.keyPath}`,
      `  key id       ${material.keyId}`,
      `  team id      ${material.teamId}`,
      `  control API  ${emulator.url}/_emulator/`,
      '',
      'Server flags (add --apns-bundle-id with your app bundle id):',
      `--apns-endpoint ${endpoint} --apns-ca ${material.caPath} --apns-key ${material.keyPath} ` +
        `--apns-key-id ${material.keyId} --apns-team-id ${material.teamId}`,
      '',
    ].join('\n'),
  );
  const signal = await stopped;
  await emulator.close();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.stdout.write(`APNs emulator stopped (${signal})\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`apns-emulator: ${(err as Error).stack ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
