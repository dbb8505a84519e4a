import { DEFAULT_NOT_RUNG_AFTER_MS, MAX_SOCKET_MESSAGE_BYTES } from '#shared';
import { DEFAULT_ADDRESS_FAILURES } from '../auth/sign-in-limits';
import { type IceConfig, NO_ICE } from '../calls/ice';
import type { TlsConfig } from '../http/tls';

/** What `createServer` is configured with (the CLI maps its options onto it, main.ts). */
export interface ServerConfig {
  /** Ring-all deadline: a call nobody answers by then ends `missed`. */
  ringTimeoutMs: number;
  /** How long a call waits for a party whose connection dropped mid-call before it ends `failed`. */
  reconnectGraceMs: number;
  /** After-call work after an answered call, before the agent is Available again; 0 turns it off. */
  afterCallWorkMs: number;
  /** How long after an agent's last console closed they become Away (a reload is back sooner). */
  awayGraceMs: number;
  /** A phone still silent this long after its push is noted on the call, and its staff's fallback rung. */
  notRungAfterMs: number;
  /** How long phones' daily ring records are kept (hourly ones: 8 days). */
  healthRetentionMs: number;
  /** Record how each call rang its phones (issue 25 item 1); off only for bench/health.ts's baseline. */
  ringRecords: boolean;
  sessionTtlMs: number;
  /** The URL phones reach this server at (put in pairing QR codes); defaults to the listen address. */
  publicUrl?: string;
  caller: { handle: string; organisation: string };
  /** Largest Socket.IO message accepted, in bytes. */
  maxMessageBytes: number;
  /** Requests per socket: burst size and sustained rate per second. */
  socketRate: { burst: number; perSecond: number };
  /** Wrong passwords one address may send in 15 minutes before its sign-ins wait (auth/sign-in-limits.ts). */
  signInAddressLimit: number;
  /** Folder of the built web console, served at `/`; default `dist/web` in the repository. */
  webRoot?: string;
  /** STUN/TURN for calls' media, handed to each party by `rtc:ice` (TURN credentials minted then). */
  ice: IceConfig;
  /**
   * Serve HTTPS and Socket.IO over TLS with this certificate; absent, plain HTTP (on loopback, or
   * behind a TLS proxy). A self-signed one goes into pairing links as a fingerprint phones pin.
   */
  tls?: TlsConfig;
  /** Browser origins besides the desktop app's and the server's own that may use the API and sockets. */
  consoleOrigins: string[];
  /** Proxies (addresses or CIDRs) whose X-Forwarded-For names the client, for HTTP and Socket.IO; none by default. */
  trustProxy: string[];
  /** Bearer token `/metrics` asks of clients not on loopback; null: loopback only. */
  metricsToken: string | null;
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = {
  ringTimeoutMs: 45_000,
  reconnectGraceMs: 30_000,
  afterCallWorkMs: 30_000,
  awayGraceMs: 10_000,
  notRungAfterMs: DEFAULT_NOT_RUNG_AFTER_MS,
  healthRetentionMs: 90 * 86_400_000,
  ringRecords: true,
  sessionTtlMs: 12 * 3600_000,
  caller: { handle: 'Switchboard', organisation: 'Support' },
  maxMessageBytes: MAX_SOCKET_MESSAGE_BYTES,
  socketRate: socketRate(20),
  signInAddressLimit: DEFAULT_ADDRESS_FAILURES,
  ice: NO_ICE,
  consoleOrigins: [],
  trustProxy: [],
  metricsToken: null,
};

/** Requests a second per socket, in bursts of up to three times as many. */
export function socketRate(perSecond: number): ServerConfig['socketRate'] {
  return { perSecond, burst: 3 * perSecond };
}
