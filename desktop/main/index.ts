import { createWriteStream, renameSync, statSync, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  app,
  type BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  protocol,
  safeStorage,
  session,
  utilityProcess,
} from 'electron';
import { ApnsCredentialStore, type SecretBox } from './apns-credentials';
import { appMenuTemplate } from './app-menu';
import { createAppProtocolHandler } from './app-protocol';
import { ConsoleShell } from './console-shell';
import { EmbeddedServer } from './embedded/controller';
import { forkLauncher, utilityLauncher } from './embedded/launchers';
import { registerIpcHandlers } from './ipc/handlers';
import { type IpcMainLike, MainIpc } from './ipc/main-ipc';
import { LanCertificateStore } from './lan-certificate';
import { lanAddress } from './network';
import { ownerName } from './owner-name';
import {
  APP_SCHEME,
  allowNavigation,
  allowPermission,
  contentSecurityPolicy,
  verifyOwnCertificate,
} from './security';
import { DesktopServices } from './services';
import { SettingsStore } from './settings';

// The desktop app's main process: the only file that wires Electron to the tested modules.

const here = path.dirname(fileURLToPath(import.meta.url));
const PRELOAD = path.join(here, '../preload/index.cjs');
const RENDERER = path.join(here, '../renderer');
const EMBEDDED_ENTRY = path.join(here, 'embedded-server.js');

// Launched as `electron out/main/index.js` from a checkout, Electron would call itself "Electron"
// and keep its data there; the packaged app is "Switchboard" anyway. Tests give a fresh profile.
app.setName('Switchboard');
app.setPath(
  'userData',
  process.env.SWITCHBOARD_USER_DATA ?? path.join(app.getPath('appData'), 'Switchboard'),
);

// Before `ready`: app:// is a standard, secure origin (a secure context, which the microphone
// needs) whose fetches other servers may answer with CORS.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

if (!app.requestSingleInstanceLock()) {
  // A second launch hands over to the first (its 'second-instance' shows the window) and leaves.
  app.quit();
} else {
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId('org.switchboard.desktop');
  const userData = app.getPath('userData');
  const log = await openServerLog(path.join(userData, 'logs', 'server.log'));
  const settings = await SettingsStore.open(path.join(userData, 'settings.json'));
  if (settings.problem) console.warn(settings.problem);

  const shell: ConsoleShell = new ConsoleShell({ preload: PRELOAD, settings, services: () => services });
  const services = createServices({ userData, settings, log, shell });
  secureSession(services);
  registerIpcHandlers(
    new MainIpc(ipcMain as unknown as IpcMainLike, (w) => console.warn(w)),
    services,
    (next) => shell.consoleChanged(next),
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({
        platform: process.platform,
        isPackaged: app.isPackaged,
        command: (c) => shell.command(c),
      }),
    ),
  );

  await services.start();
  shell.open();
  followLifecycle(services, shell, log);
}

/** The services behind the window's requests, on this computer's files, server and keychain. */
function createServices(o: {
  userData: string;
  settings: SettingsStore;
  log: WriteStream;
  shell: ConsoleShell;
}): DesktopServices {
  const box = liveSecretBox();
  const embedded = new EmbeddedServer({
    launch: serverLauncher(),
    onLog: (line) => o.log.write(`${line}\n`),
    onChange: () => {
      o.shell.refreshTray();
      void services.about().then((about) => o.shell.aboutChanged(about));
    },
  });
  const services: DesktopServices = new DesktopServices({
    settings: o.settings,
    apns: new ApnsCredentialStore(path.join(o.userData, 'apns-credentials.bin'), box),
    certificates: new LanCertificateStore(path.join(o.userData, 'lan-certificate.bin'), box),
    embedded,
    paths: { dataDir: path.join(o.userData, 'server'), logFile: o.log.path as string, webRoot: RENDERER },
    ownerName: ownerName(os.userInfo().username),
    lanAddress: () => lanAddress(),
    hostname: os.hostname(),
    chooseKeyFile: () => chooseKeyFile(o.shell.window),
    serverChanged: () => o.shell.reopen(),
    // Chromium's network stack, which trusts this computer's server by its pinned certificate.
    fetch: (input, init) => net.fetch(input instanceof URL ? input.href : input, init),
  });
  return services;
}

/**
 * The default session's rules: the console's files from app:// with their CSP, the microphone
 * for the console only, and this computer's server trusted by the certificate it pinned (it
 * signs itself, so Chromium alone would refuse it).
 */
function secureSession(services: DesktopServices): void {
  protocol.handle(
    APP_SCHEME,
    createAppProtocolHandler({ root: RENDERER, csp: () => contentSecurityPolicy(services.serverUrl()) }),
  );
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowPermission(permission, details as { requestingUrl?: string; mediaTypes?: string[] })),
  );
  session.defaultSession.setPermissionCheckHandler((_contents, permission, origin, details) =>
    allowPermission(permission, {
      securityOrigin: origin,
      mediaTypes: 'mediaType' in details && details.mediaType ? [details.mediaType] : [],
    }),
  );
  session.defaultSession.setCertificateVerifyProc(verifyOwnCertificate(() => services.trustedFingerprint()));
}

/** Second launches, the dock, the last window closed, and a quit that first stops the server. */
function followLifecycle(services: DesktopServices, shell: ConsoleShell, log: WriteStream): void {
  app.on('second-instance', () => shell.show());
  app.on('activate', () => shell.show());
  // The window hides instead of closing, and the tray keeps the app (and its server) running.
  app.on('window-all-closed', () => undefined);
  let stopped = false;
  app.on('before-quit', (event) => {
    shell.quit();
    if (stopped) return;
    // End the calls and close the database before Electron goes: a killed server would leave a
    // phone's call screen up until its ring deadline.
    event.preventDefault();
    void services.shutdown().finally(() => {
      stopped = true;
      log.end();
      app.quit();
    });
  });
}

async function chooseKeyFile(win: BrowserWindow | null): Promise<string | null> {
  const options = {
    title: 'Choose the APNs auth key (AuthKey_<KEYID>.p8)',
    properties: ['openFile' as const],
    filters: [{ name: 'APNs auth key', extensions: ['p8'] }],
  };
  const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return picked.canceled ? null : (picked.filePaths[0] ?? null);
}

// Every page, present or future: no navigation away from the console, no new windows, no webviews.
app.on('web-contents-created', (_event, contents) => {
  const refuse = (event: { preventDefault(): void }, url: string) => {
    if (!allowNavigation(url)) event.preventDefault();
  };
  contents.on('will-navigate', refuse);
  contents.on('will-redirect', refuse);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

/**
 * Packaged: an Electron utilityProcess, with better-sqlite3 rebuilt for Electron at packaging.
 * From a checkout (`npm start`): Node itself, where node_modules' better-sqlite3 was built for Node.
 */
function serverLauncher() {
  const runtime = process.env.SWITCHBOARD_EMBEDDED_RUNTIME ?? (app.isPackaged ? 'electron' : 'node');
  if (runtime === 'electron') return utilityLauncher(utilityProcess.fork, EMBEDDED_ENTRY);
  return forkLauncher(EMBEDDED_ENTRY, { execPath: process.env.SWITCHBOARD_NODE ?? 'node' });
}

function liveSecretBox(): SecretBox {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (plain) => safeStorage.encryptString(plain),
    decryptString: (encrypted) => safeStorage.decryptString(encrypted),
    protection: () =>
      process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
        ? 'weak'
        : 'os',
  };
}

/** The server's log file, started afresh (the previous one kept as .1) once it passes 5 MB. */
async function openServerLog(file: string): Promise<WriteStream> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    if (statSync(file).size > 5 * 1024 * 1024) renameSync(file, `${file}.1`);
  } catch {
    // No log yet.
  }
  return createWriteStream(file, { flags: 'a' });
}
