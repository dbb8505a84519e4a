import { DEFAULT_SERVER_PORT } from '#shared';
import { DEFAULT_NODE_TTL_MS } from '../cluster';
import { DEFAULT_SERVER_CONFIG } from './server';

/** A duration as the options take it, in its largest whole unit (45s, 10m, 12h). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const defaults = DEFAULT_SERVER_CONFIG;

/** Every option is a flag and an environment variable; the flag wins. Order here is `--help`'s. */
export const OPTIONS = {
  host: { env: 'SWITCHBOARD_HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: {
    env: 'SWITCHBOARD_PORT',
    default: String(DEFAULT_SERVER_PORT),
    help: 'port to listen on (0 = any free port)',
  },
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
    default: formatDuration(defaults.ringTimeoutMs),
    help: 'how long a call rings before it is missed',
  },
  'not-rung-after': {
    env: 'SWITCHBOARD_NOT_RUNG_AFTER',
    default: '5s',
    help: 'a phone whose push went out this long ago and that has not rung shows as "has not rung yet", and the staff member\'s fallback is rung',
  },
  'health-retention': {
    env: 'SWITCHBOARD_HEALTH_RETENTION',
    default: '90d',
    help: "how long phones' daily ring records are kept (hourly ones: 8 days)",
  },
  'ring-records': {
    env: 'SWITCHBOARD_RING_RECORDS',
    default: 'on',
    help: 'on|off: record how calls rang each phone (off only to measure what recording costs: bench/health.ts)',
  },
  'reconnect-grace': {
    env: 'SWITCHBOARD_RECONNECT_GRACE',
    default: formatDuration(defaults.reconnectGraceMs),
    help: 'how long a call waits for a phone or console that dropped mid-call before it ends failed',
  },
  'after-call-work': {
    env: 'SWITCHBOARD_AFTER_CALL_WORK',
    default: '30s',
    help: 'after an answered call the agent is in after-call work this long (inbound calls do not ring them), then Available; 0 turns it off',
  },
  'away-grace': {
    env: 'SWITCHBOARD_AWAY_GRACE',
    default: '10s',
    help: 'an agent whose last console closed becomes Away after this long (a page reload is back sooner)',
  },
  redis: {
    env: 'SWITCHBOARD_REDIS',
    default: undefined,
    help: 'redis://host:6379: run as one node of a cluster sharing this Redis and the --db PostgreSQL',
  },
  'socket-rate': {
    env: 'SWITCHBOARD_SOCKET_RATE',
    default: String(defaults.socketRate.perSecond),
    help: 'requests a second each console or phone socket may make, in bursts of up to three times as many; more are refused RATE_LIMITED',
  },
  'sign-in-address-limit': {
    env: 'SWITCHBOARD_SIGN_IN_ADDRESS_LIMIT',
    default: String(defaults.signInAddressLimit),
    help: 'wrong passwords one address may send in 15 minutes before its sign-ins are refused until the window ends (size it for the most people behind one NAT or proxy)',
  },
  'node-ttl': {
    env: 'SWITCHBOARD_NODE_TTL',
    default: formatDuration(DEFAULT_NODE_TTL_MS),
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
    default: formatDuration(defaults.ice.turnTtlMs),
    help: 'the longest minted TURN credentials work, 2m to 10m (the console renews them during longer calls)',
  },
  'ice-policy': {
    env: 'SWITCHBOARD_ICE_POLICY',
    default: 'all',
    help: 'all|relay: relay sends every call through TURN',
  },
  'session-ttl': {
    env: 'SWITCHBOARD_SESSION_TTL',
    default: formatDuration(defaults.sessionTtlMs),
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
export const SECRET_OPTIONS = {
  'metrics-token':
    '--metrics-token would put the token in ps and your shell history; set SWITCHBOARD_METRICS_TOKEN or use --metrics-token-file FILE',
  'turn-secret':
    '--turn-secret would put the secret in ps and your shell history; set SWITCHBOARD_TURN_SECRET or use --turn-secret-file FILE',
} as const satisfies Partial<Record<keyof typeof OPTIONS, string>>;

/** Options that may be given more than once (and hold a comma-separated list in the environment). */
export const REPEATABLE: ReadonlySet<string> = new Set(['stun', 'turn', 'console-origin', 'trust-proxy']);
