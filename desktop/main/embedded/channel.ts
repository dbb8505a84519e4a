import type { FromServer, ToServer } from './protocol';

/** The embedded server's side of its IPC channel, whichever runtime started it. */
export interface ParentChannel {
  /** Resolves once the message is handed to the parent (safe to exit after it). */
  send(msg: FromServer): Promise<void>;
  onMessage(handler: (msg: ToServer) => void): void;
  /** The parent went away without a `stop` (it crashed): only Node's fork can tell. */
  onParentGone(handler: () => void): void;
}

interface ElectronParentPort {
  postMessage(msg: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
}

/**
 * Electron's utilityProcess gives the child `process.parentPort`; Node's `child_process.fork`
 * gives it `process.send`. The same entry runs under both, which is how the tests run the real
 * embedded server without Electron.
 */
export function parentChannel(proc: NodeJS.Process = process): ParentChannel {
  const port = (proc as NodeJS.Process & { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      send: async (msg) => port.postMessage(msg),
      onMessage: (handler) => port.on('message', (e) => handler(e.data as ToServer)),
      // Electron ends a utility process together with its parent.
      onParentGone: () => undefined,
    };
  }
  const send = proc.send?.bind(proc);
  if (send) {
    return {
      send: (msg) =>
        new Promise<void>((resolve) => {
          send(msg, undefined, undefined, () => resolve());
        }),
      onMessage: (handler) => proc.on('message', (msg) => handler(msg as ToServer)),
      onParentGone: (handler) => proc.once('disconnect', handler),
    };
  }
  throw new Error('the embedded server must be started by the desktop app (utilityProcess or fork with IPC)');
}
