import {
  type AboutServer,
  type ApnsForm,
  type ConsoleSnapshot,
  type DesktopCommand,
  type EmbeddedSettings,
  type MainChannel,
  type MainMessages,
  type MessageChannel,
  type RendererMessages,
  type RendererRequests,
  type RequestChannel,
  type ServerMode,
  WINDOW_ARGS,
} from './contract';

/**
 * The preload's typed door to IPC. Only `index.ts` builds one from `ipcRenderer`; everything here
 * goes through it, so the channels and their payloads are the contract's and nothing else.
 */
export interface RendererIpc {
  invoke<C extends RequestChannel>(
    channel: C,
    ...args: Parameters<RendererRequests[C]>
  ): Promise<ReturnType<RendererRequests[C]>>;
  send<C extends MessageChannel>(channel: C, ...args: Parameters<RendererMessages[C]>): void;
  /** Returns the unsubscribe. The listener gets the payload only, never Electron's event. */
  on<C extends MainChannel>(channel: C, listener: MainMessages[C]): () => void;
}

/**
 * `window.api` in the console: named functions only (no raw IPC, no event objects, no Node), each
 * one a request the main process validates and answers for this window alone. The console finds
 * out it runs in the desktop app by this object being there; its type is `DesktopApi`, derived
 * from this function, so the renderer never restates it.
 */
export function createDesktopApi(ipc: RendererIpc, argv: readonly string[]) {
  const arg = (prefix: string) => argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) || null;
  const serverUrl = arg(WINDOW_ARGS.server);
  const mode: ServerMode = arg(WINDOW_ARGS.mode) === 'remote' ? 'remote' : 'embedded';
  return {
    /** The call server this window talks to, fixed for the window's life (a switch reloads it). */
    serverUrl: (): string | null => serverUrl,
    serverMode: (): ServerMode => mode,
    /** Embedded mode: a new session for the local owner agent. */
    ownerSession: () => ipc.invoke('session:owner'),
    settings: () => ipc.invoke('settings:get'),
    switchToEmbeddedServer: () => ipc.invoke('server:use-embedded'),
    switchToRemoteServer: (url: string) => ipc.invoke('server:use-remote', url),
    configureEmbeddedServer: (settings: EmbeddedSettings) =>
      ipc.invoke('server:configure-embedded', settings),
    aboutServer: (): Promise<AboutServer> => ipc.invoke('server:about'),
    chooseApnsKey: () => ipc.invoke('apns:choose-key'),
    saveApns: (form: ApnsForm) => ipc.invoke('apns:save', form),
    clearApns: () => ipc.invoke('apns:clear'),
    /** For the tray, notifications and the badge; sent on every change the console makes. */
    reportConsole: (snapshot: ConsoleSnapshot) => ipc.send('console:state', snapshot),
    onCommand: (listener: (command: DesktopCommand) => void) => ipc.on('desktop:command', listener),
    onAboutChanged: (listener: (about: AboutServer) => void) => ipc.on('server:about-changed', listener),
  };
}

export type DesktopApi = ReturnType<typeof createDesktopApi>;
