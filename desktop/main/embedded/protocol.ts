import type { ApnsEnvironment, LoginSession } from '#shared';

/**
 * The messages between the main process and the embedded call server's process (an Electron
 * utilityProcess in the app, a Node child process in tests and `npm start`), one union per
 * direction. The APNs key travels here, over the process's private IPC channel, never in argv or
 * the environment (both readable by other programs of the same user).
 */

export interface EmbeddedApns {
  /** The .p8 key's PEM text. */
  keyPem: string;
  keyId: string;
  teamId: string;
  bundleId: string;
  /** Send every push to this environment; null: each phone's own (sandbox for debug builds). */
  environment: ApnsEnvironment | null;
  /** An APNs emulator instead of Apple (development and tests only). */
  endpoint?: { address: string; port: number; ca: string };
}

export interface EmbeddedConfig {
  /** The app's user-data folder for the server: the SQLite database and the owner record. */
  dataDir: string;
  host: string;
  /** 0: any free port (tests). */
  port: number;
  /** What phones are told to connect to (pairing QR codes); default the listen address. */
  publicUrl?: string;
  /**
   * HTTPS with this certificate and key (PEM): "Let phones on this network connect". The key
   * travels here, over the private IPC channel, as the APNs key does.
   */
  tls?: { cert: string; key: string };
  /** The console build the server also serves at `/` for browsers. */
  webRoot?: string;
  /** The local owner agent's name, created on first run. */
  ownerName: string;
  apns: EmbeddedApns | null;
  sessionTtlMs?: number;
  logLevel?: string;
}

export type ToServer =
  | { type: 'start'; config: EmbeddedConfig }
  /** A new session for the local owner (the console signs in with it). */
  | { type: 'session'; requestId: number }
  /** Ends live calls, closes the server and the database, then exits. */
  | { type: 'stop'; reason: string };

export type FromServer =
  | {
      type: 'ready';
      url: string;
      owner: { agentId: string; name: string; created: boolean };
      database: string;
    }
  | { type: 'session'; requestId: number; session: LoginSession }
  /** Start failed (port taken, bad credentials, unreadable database): the process exits after it. */
  | { type: 'failed'; message: string }
  | { type: 'stopped'; endedCalls: number };
