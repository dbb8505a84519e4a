import path from 'node:path';
import { describeZodError, type LoginSession } from '#shared';
import type {
  AboutServer,
  ApnsForm,
  ChooseKeyResult,
  ConsoleSnapshot,
  DesktopResult,
  EmbeddedSettings,
  ServerMode,
  SettingsView,
} from '../preload/contract';
import {
  type ApnsCredentialStore,
  ApnsKeyError,
  apnsFormSchema,
  apnsView,
  readApnsKey,
  type StoredApns,
} from './apns-credentials';
import type { EmbeddedServer, EmbeddedStatus } from './embedded/controller';
import type { EmbeddedConfig } from './embedded/protocol';
import { PhoneAccess, type PhoneAccessDeps } from './phone-access';
import { type HealthProbe, probeHealth } from './server-health';
import { type Settings, type SettingsStore, serverUrlSchema } from './settings';

/** The embedded server as the services use it (the real one: embedded/controller.ts). */
export type EmbeddedControl = Pick<EmbeddedServer, 'start' | 'stop' | 'ownerSession' | 'status'> & {
  logs: Pick<EmbeddedServer['logs'], 'recent'>;
};

export interface DesktopServicesDeps extends PhoneAccessDeps {
  settings: SettingsStore;
  apns: ApnsCredentialStore;
  embedded: EmbeddedControl;
  paths: { dataDir: string; logFile: string; webRoot?: string };
  ownerName: string;

  /** The native open dialog, for the .p8 file; null when cancelled. */
  chooseKeyFile: () => Promise<string | null>;
  /** The server the console must talk to changed: the window reopens against it. */
  serverChanged: () => void;
  fetch?: typeof fetch;
  now?: () => number;
}

const BUSY = 'Finish the call first: this would restart the server, which ends calls in progress.';

/**
 * Everything the window may ask of the main process, behind the IPC handlers: which server the
 * console uses, this computer's server, and the APNs credentials (stored encrypted, handed to
 * the server's process only). Also the console's last reported state, to refuse a restart mid-call.
 */
export class DesktopServices {
  private snapshot: ConsoleSnapshot | null = null;
  private pendingKey: { pem: string; fileName: string } | null = null;
  private readonly phones: PhoneAccess;

  constructor(private readonly d: DesktopServicesDeps) {
    this.phones = new PhoneAccess(d);
  }

  /** At launch: starts this computer's server when that is the mode. Never throws: About says why. */
  async start(): Promise<void> {
    if (this.d.settings.get().server.mode === 'embedded') await this.startEmbedded();
  }

  /** At quit: ends calls, closes the server and its database. */
  async shutdown(): Promise<void> {
    await this.d.embedded.stop('the desktop app closed');
  }

  mode(): ServerMode {
    return this.d.settings.get().server.mode;
  }

  /** The server the console talks to, or null when this computer's server is not running. */
  serverUrl(): string | null {
    const server = this.d.settings.get().server;
    return server.mode === 'remote' ? server.url : this.d.embedded.status().url;
  }

  /**
   * The fingerprint of the certificate this computer's server serves, while it serves one: the
   * window's requests to it are trusted by this pin (the certificate signs itself).
   */
  trustedFingerprint(): string | null {
    return this.mode() === 'embedded' ? (this.phones.view()?.fingerprint ?? null) : null;
  }

  consoleChanged(snapshot: ConsoleSnapshot): void {
    this.snapshot = snapshot;
  }

  async ownerSession(): Promise<LoginSession> {
    if (this.mode() !== 'embedded') throw new Error('only this computer’s server signs its owner in');
    return this.d.embedded.ownerSession();
  }

  async settingsView(): Promise<SettingsView> {
    const s = this.d.settings.get();
    return {
      mode: s.server.mode,
      remoteUrl: s.server.mode === 'remote' ? s.server.url : s.remoteUrl,
      embedded: s.embedded,
      apns: apnsView(await this.d.apns.load(), this.d.apns.protection()),
      certificateProtection: this.d.certificates.protection(),
    };
  }

  async switchToRemote(rawUrl: string): Promise<DesktopResult> {
    const parsed = serverUrlSchema.safeParse(rawUrl);
    if (!parsed.success) return refuse(describeZodError(parsed.error));
    if (this.inCall()) return refuse(BUSY);
    const url = parsed.data;
    const probe = await this.health(url);
    if (!probe.reachable) return refuse(`No Switchboard server answers at ${url}: ${probe.detail}`);
    await this.d.settings.update((s) => ({ ...s, server: { mode: 'remote', url }, remoteUrl: url }));
    await this.d.embedded.stop('the desktop app switched to a team server');
    this.d.serverChanged();
    return { ok: true };
  }

  async switchToEmbedded(): Promise<DesktopResult> {
    if (this.mode() === 'embedded' && this.d.embedded.status().state === 'running') return { ok: true };
    await this.d.settings.update((s) => ({ ...s, server: { mode: 'embedded' } }));
    await this.restartEmbedded('the desktop app restarted its server');
    this.d.serverChanged();
    return { ok: true };
  }

  async configureEmbedded(embedded: EmbeddedSettings): Promise<DesktopResult> {
    if (this.inCall()) return refuse(BUSY);
    const refusal = embedded.phonesOnNetwork ? this.phones.refusal() : null;
    if (refusal) return refuse(refusal);
    await this.d.settings.update((s) => ({ ...s, embedded }));
    if (this.mode() !== 'embedded') return { ok: true };
    await this.restartEmbedded('the desktop app restarted its server with new settings');
    this.d.serverChanged();
    return { ok: true };
  }

  async chooseApnsKey(): Promise<ChooseKeyResult> {
    const file = await this.d.chooseKeyFile();
    if (!file) return null;
    try {
      const { pem, chosen } = await readApnsKey(file);
      this.pendingKey = { pem, fileName: chosen.fileName };
      return { ok: true, ...chosen };
    } catch (e) {
      if (e instanceof ApnsKeyError) return refuse(e.message);
      return refuse(`the file cannot be read: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async saveApns(form: ApnsForm): Promise<DesktopResult> {
    const parsed = apnsFormSchema.safeParse(form);
    if (!parsed.success) return refuse(describeZodError(parsed.error));
    if (this.inCall()) return refuse(BUSY);
    const stored = await this.d.apns.load();
    const key = this.pendingKey ?? (stored && { pem: stored.keyPem, fileName: stored.keyFileName });
    if (!key) return refuse('choose the .p8 key file first');
    try {
      await this.d.apns.save({ ...parsed.data, keyPem: key.pem, keyFileName: key.fileName });
    } catch (e) {
      return refuse(e instanceof Error ? e.message : String(e));
    }
    this.pendingKey = null;
    if (this.mode() === 'embedded')
      await this.restartEmbedded('the desktop app restarted its server for new APNs credentials');
    return { ok: true };
  }

  async clearApns(): Promise<DesktopResult> {
    if (this.inCall()) return refuse(BUSY);
    this.pendingKey = null;
    await this.d.apns.clear();
    if (this.mode() === 'embedded')
      await this.restartEmbedded('the desktop app restarted its server without APNs');
    return { ok: true };
  }

  async about(): Promise<AboutServer> {
    const settings = this.d.settings.get();
    if (settings.server.mode === 'remote') {
      const probe = await this.health(settings.server.url);
      return {
        ...emptyAbout('remote'),
        url: settings.server.url,
        state: 'remote',
        port: portOf(settings.server.url),
        health: { ok: probe.ok, detail: probe.detail, checkedAt: this.now() },
      };
    }
    const status = this.d.embedded.status();
    const probe = status.url ? await this.health(status.url) : null;
    return {
      mode: 'embedded',
      url: status.url,
      state: status.state,
      error: status.error ?? this.phones.problem,
      port: status.url ? portOf(status.url) : null,
      pid: status.pid,
      startedAt: status.startedAt,
      phoneUrl: status.url ? this.phones.phoneUrl(settings.embedded.port) : null,
      certificate: status.url ? this.phones.view() : null,
      dataDir: this.d.paths.dataDir,
      database: status.database ?? path.join(this.d.paths.dataDir, 'switchboard.db'),
      logFile: this.d.paths.logFile,
      owner: status.owner?.name ?? null,
      health: probe && { ok: probe.ok, detail: probe.detail, checkedAt: this.now() },
      logs: this.d.embedded.logs.recent(100),
    };
  }

  embeddedStatus(): EmbeddedStatus {
    return this.d.embedded.status();
  }

  private inCall(): boolean {
    return this.snapshot?.call != null;
  }

  private async restartEmbedded(reason: string): Promise<void> {
    await this.d.embedded.stop(reason);
    await this.startEmbedded();
  }

  private async startEmbedded(): Promise<void> {
    const settings = this.d.settings.get();
    await this.phones.prepare(settings.embedded.phonesOnNetwork);
    try {
      await this.d.embedded.start(this.embeddedConfig(settings, await this.d.apns.load()));
    } catch {
      // The controller keeps the reason in its status: the About panel and the tray show it.
    }
  }

  private embeddedConfig(settings: Settings, apns: StoredApns | null): EmbeddedConfig {
    return {
      dataDir: this.d.paths.dataDir,
      ...this.phones.listening(settings.embedded.port),
      port: settings.embedded.port,
      webRoot: this.d.paths.webRoot,
      ownerName: this.d.ownerName,
      apns: apns && {
        keyPem: apns.keyPem,
        keyId: apns.keyId,
        teamId: apns.teamId,
        bundleId: apns.bundleId,
        environment: apns.environment,
      },
    };
  }

  private health(url: string): Promise<HealthProbe> {
    return probeHealth(url, this.d.fetch);
  }

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }
}

const refuse = (message: string): DesktopResult & { ok: false } => ({ ok: false, message });

function portOf(url: string): number | null {
  const parsed = new URL(url);
  if (parsed.port) return Number(parsed.port);
  return parsed.protocol === 'https:' ? 443 : 80;
}

function emptyAbout(mode: ServerMode): AboutServer {
  return {
    mode,
    url: null,
    state: 'stopped',
    error: null,
    port: null,
    pid: null,
    startedAt: null,
    phoneUrl: null,
    certificate: null,
    dataDir: null,
    database: null,
    logFile: null,
    owner: null,
    health: null,
    logs: [],
  };
}
