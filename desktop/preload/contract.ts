// The one IPC contract between the desktop app's main process and its window, split by direction
// (GitHub Desktop's ipc-shared.ts, Heroic's split). Types only, plus the window's argv switches:
// the sandboxed preload bundles this file, and it must pull in nothing but `electron`.
import type { ApnsEnvironment, CallState, LoginSession } from '#shared';

// MARK: - Values

export type ServerMode = 'embedded' | 'remote';

/** A change main refused, in words, or done. */
export type DesktopResult = { ok: true } | { ok: false; message: string };

/** How the encrypted APNs key is protected on this machine. */
export type SecretProtection =
  /** The OS keeps the encryption key (Keychain, DPAPI, a Secret Service keyring). */
  | 'os'
  /** Linux without a keyring: Electron encrypts with a fixed key, so anyone with the file can read it. */
  | 'weak'
  /** No encryption at all here: the app refuses to store the key. */
  | 'unavailable';

/** What the window may know of the APNs credentials: never the key itself. */
export interface ApnsView {
  configured: boolean;
  keyId: string;
  teamId: string;
  bundleId: string;
  /** null: each phone's own environment (sandbox for debug builds). */
  environment: ApnsEnvironment | null;
  /** The .p8 file's name, to show which key is stored. */
  keyFileName: string | null;
  protection: SecretProtection;
}

export interface ApnsForm {
  keyId: string;
  teamId: string;
  bundleId: string;
  environment: ApnsEnvironment | null;
}

/** A .p8 file picked in the native dialog: kept by main until saved. */
export interface ChosenKey {
  fileName: string;
  /** The key id Apple puts in the file name (AuthKey_<KEYID>.p8), when it is there. */
  keyIdHint: string | null;
}

/** null: the dialog was cancelled. */
export type ChooseKeyResult = ({ ok: true } & ChosenKey) | { ok: false; message: string } | null;

export interface EmbeddedSettings {
  port: number;
  /**
   * "Let phones on this network connect": listen on every interface, over TLS with a certificate
   * the app makes and keeps, whose fingerprint pairing links carry. Off: this computer only.
   */
  phonesOnNetwork: boolean;
}

export interface SettingsView {
  mode: ServerMode;
  remoteUrl: string | null;
  embedded: EmbeddedSettings;
  apns: ApnsView;
  /** How the kept certificate's key would be protected here ('unavailable': phones cannot be let in). */
  certificateProtection: SecretProtection;
}

export interface LogLine {
  at: number;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  message: string;
}

/** The "About this server" panel. */
export interface AboutServer {
  mode: ServerMode;
  /** The server the console talks to. */
  url: string | null;
  state: 'stopped' | 'starting' | 'running' | 'stopping' | 'failed' | 'remote';
  /** Why it failed or stopped, in words. */
  error: string | null;
  port: number | null;
  pid: number | null;
  startedAt: number | null;
  /** The address phones are given when paired; null while only this computer may connect. */
  phoneUrl: string | null;
  /** The certificate phones pin (its SHA-256, lowercase hex), while phones on the network may connect. */
  certificate: { fingerprint: string; expiresAt: number } | null;
  dataDir: string | null;
  database: string | null;
  logFile: string | null;
  owner: string | null;
  /** `GET /healthz` just now. */
  health: { ok: boolean; detail: string; checkedAt: number } | null;
  logs: LogLine[];
}

/** What main needs of the console for the tray, notifications and the badge. */
export interface ConsoleSnapshot {
  agent: string | null;
  connection: 'signed-out' | 'connecting' | 'connected' | 'reconnecting';
  /** The agent's own live call, if any. */
  call: { callId: string; peer: string; state: CallState; muted: boolean } | null;
  /** Inbound calls ringing this agent now, oldest first. */
  ringing: { callId: string; caller: string }[];
  /**
   * This window is the agent's softphone (issue 26): only it announces a ringing call
   * (notification, taskbar flash); another window, or a browser tab, rings instead.
   */
  rings: boolean;
  /** Inbound calls offered to this agent that ended unanswered, as long as the console shows them. */
  missed: { callId: string; caller: string; at: number }[];
  /**
   * Phones that turned Not ringing or Token invalid (issue 25 item 4), as the console's banners
   * show them: an admin's console only, and absent when there is none.
   */
  healthAlerts?: { deviceId: string; at: number; title: string; body: string }[];
}

/** What main asks the console to do: from a notification, the tray, the menu or a shortcut. */
export type DesktopCommand =
  | { type: 'accept'; callId: string }
  | { type: 'decline'; callId: string }
  /** Answer the oldest ringing call (the shortcut). */
  | { type: 'answer' }
  | { type: 'hangup' }
  | { type: 'toggle-mute' }
  /** Show the ringing panel (a click on a notification where it has no buttons). */
  | { type: 'show-calls' }
  | { type: 'sign-out' }
  | { type: 'open-settings' };

// MARK: - renderer → main, answered (invoke / handle)

export interface RendererRequests {
  /** Embedded mode: a new session for the local owner agent (the console signs in with it). */
  'session:owner': () => LoginSession;
  'settings:get': () => SettingsView;
  /** Switches to this computer's server; the window reloads against it. */
  'server:use-embedded': () => DesktopResult;
  /** Switches to a team server (the console signs in there); the window reloads against it. */
  'server:use-remote': (url: string) => DesktopResult;
  /** Port of this computer's server, and whether phones on the network may connect; it restarts. */
  'server:configure-embedded': (settings: EmbeddedSettings) => DesktopResult;
  'server:about': () => AboutServer;
  /** Opens the native file dialog; null when cancelled. */
  'apns:choose-key': () => ChooseKeyResult;
  /** Stores the credentials (encrypted) with the chosen key and restarts this computer's server. */
  'apns:save': (form: ApnsForm) => DesktopResult;
  'apns:clear': () => DesktopResult;
}

// MARK: - renderer → main, one way (send / on)

export interface RendererMessages {
  'console:state': (snapshot: ConsoleSnapshot) => void;
}

// MARK: - main → renderer (webContents.send / on)

export interface MainMessages {
  'desktop:command': (command: DesktopCommand) => void;
  'server:about-changed': (about: AboutServer) => void;
}

export type RequestChannel = keyof RendererRequests;
export type MessageChannel = keyof RendererMessages;
export type MainChannel = keyof MainMessages;

// MARK: - The window's argv

/**
 * Appended to the window's `process.argv` (`webPreferences.additionalArguments`), which the
 * sandboxed preload can read synchronously before the console's first line runs. Only what is
 * not secret: a session token here would show in the process list.
 */
export const WINDOW_ARGS = {
  server: '--switchboard-server=',
  mode: '--switchboard-mode=',
} as const;
