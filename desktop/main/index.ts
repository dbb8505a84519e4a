import { createWriteStream, renameSync, statSync } from 'node:fs';
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
  protocol,
  safeStorage,
  session,
  type Tray,
  utilityProcess,
} from 'electron';
import { type ConsoleSnapshot, type DesktopCommand, WINDOW_ARGS } from '../preload/contract';
import { ApnsCredentialStore, type SecretBox } from './apns-credentials';
import { appMenuTemplate } from './app-menu';
import { createAppProtocolHandler } from './app-protocol';
import { Attention } from './attention';
import { attentionShell, createTray, openConsoleWindow, setTrayMenu, showWindow } from './electron-shell';
import { EmbeddedServer } from './embedded/controller';
import { forkLauncher, utilityLauncher } from './embedded/launchers';
import { registerIpcHandlers } from './ipc/handlers';
import { type IpcMainLike, MainIpc, sendToWindow } from './ipc/main-ipc';
import { lanAddress } from './network';
import { ownerName } from './owner-name';
import { APP_SCHEME, allowNavigation, allowPermission, contentSecurityPolicy } from './security';
import { DesktopServices } from './services';
import { SettingsStore } from './settings';
import { trayMenu } from './tray-menu';

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
  const logFile = path.join(userData, 'logs', 'server.log');
  await mkdir(path.dirname(logFile), { recursive: true });
  const log = openLog(logFile);
  const settings = await SettingsStore.open(path.join(userData, 'settings.json'));
  if (settings.problem) console.warn(settings.problem);

  let win: BrowserWindow | null = null;
  let tray: Tray | null = null;
  let quitting = false;
  let snapshot: ConsoleSnapshot = {
    agent: null,
    connection: 'signed-out',
    call: null,
    ringing: [],
    missed: [],
  };
  const command = (c: DesktopCommand) => {
    if (win) sendToWindow(win.webContents, 'desktop:command', c);
  };
  const attention = new Attention({ actionsSupported: process.platform === 'darwin' });
  const attend = attentionShell({ window: () => win, command });

  const embedded = new EmbeddedServer({
    launch: serverLauncher(),
    onLog: (line) => log.write(`${line}\n`),
    onChange: () => {
      refreshTray();
      void services
        .about()
        .then((about) => win && sendToWindow(win.webContents, 'server:about-changed', about));
    },
  });
  const services: DesktopServices = new DesktopServices({
    settings,
    apns: new ApnsCredentialStore(path.join(userData, 'apns-credentials.bin'), liveSecretBox()),
    embedded,
    paths: { dataDir: path.join(userData, 'server'), logFile, webRoot: RENDERER },
    ownerName: ownerName(os.userInfo().username),
    lanAddress: () => lanAddress(),
    chooseKeyFile: async () => {
      const options = {
        title: 'Choose the APNs auth key (AuthKey_<KEYID>.p8)',
        properties: ['openFile' as const],
        filters: [{ name: 'APNs auth key', extensions: ['p8'] }],
      };
      const picked = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
    serverChanged: () => reopenWindow(),
  });

  function refreshTray(): void {
    if (!tray) return;
    const status = services.embeddedStatus();
    setTrayMenu(
      tray,
      trayMenu(snapshot, { mode: services.mode(), url: services.serverUrl(), embedded: status }),
      (action) => {
        if (action.type === 'show') showWindow(win);
        else if (action.type === 'quit') app.quit();
        else command(action.command);
      },
    );
  }

  function openWindow(): void {
    win = openConsoleWindow({
      preload: PRELOAD,
      args: [`${WINDOW_ARGS.server}${services.serverUrl() ?? ''}`, `${WINDOW_ARGS.mode}${services.mode()}`],
      saved: settings.get().window,
      saveState: (state) => void settings.update((s) => ({ ...s, window: state })),
      isQuitting: () => quitting,
      onFocus: () => attention.focused().forEach(attend),
    });
  }

  /** The server changed: the window's argv and CSP name the old one, so it is opened anew. */
  function reopenWindow(): void {
    const old = win;
    openWindow();
    old?.destroy();
  }

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
  registerIpcHandlers(
    new MainIpc(ipcMain as unknown as IpcMainLike, (w) => console.warn(w)),
    services,
    (next) => {
      snapshot = next;
      attention.update(next, win?.isFocused() ?? false).forEach(attend);
      refreshTray();
    },
  );
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged, command }),
    ),
  );

  await services.start();
  openWindow();
  tray = createTray(() => showWindow(win));
  refreshTray();

  app.on('second-instance', () => showWindow(win));
  app.on('activate', () => showWindow(win));
  // The window hides instead of closing, and the tray keeps the app (and its server) running.
  app.on('window-all-closed', () => undefined);
  let stopped = false;
  app.on('before-quit', (event) => {
    quitting = true;
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
function openLog(file: string) {
  try {
    if (statSync(file).size > 5 * 1024 * 1024) renameSync(file, `${file}.1`);
  } catch {
    // No log yet.
  }
  return createWriteStream(file, { flags: 'a' });
}
