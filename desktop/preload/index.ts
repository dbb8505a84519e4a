import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { createDesktopApi, type RendererIpc } from './api';

// The only module in the preload that touches ipcRenderer (STYLE: raw IPC in one module per
// process). It runs sandboxed, with context isolation: the console gets `window.api`, a frozen
// copy of named functions, and never ipcRenderer, an event object or Node.
const ipc: RendererIpc = {
  invoke: (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  send: (channel, ...args) => ipcRenderer.send(channel, ...args),
  on: (channel, listener) => {
    const forward = (_event: IpcRendererEvent, ...args: unknown[]) =>
      (listener as (...a: unknown[]) => void)(...args);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('api', createDesktopApi(ipc, process.argv));
