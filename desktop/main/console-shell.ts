import { app, type BrowserWindow, type Tray } from 'electron';
import {
  type AboutServer,
  type ConsoleSnapshot,
  type DesktopCommand,
  WINDOW_ARGS,
} from '../preload/contract';
import { Attention } from './attention';
import { attentionShell, createTray, openConsoleWindow, setTrayMenu, showWindow } from './electron-shell';
import { sendToWindow } from './ipc/main-ipc';
import type { DesktopServices } from './services';
import type { SettingsStore } from './settings';
import { trayMenu } from './tray-menu';

const SIGNED_OUT: ConsoleSnapshot = {
  agent: null,
  connection: 'signed-out',
  call: null,
  ringing: [],
  rings: false,
  missed: [],
};

/**
 * What the agent sees of the app around the console: its window, the tray, and attention
 * (notifications, the badge), all following the console's last reported state. The window is
 * opened against the server the services name, and anew when that server changes.
 */
export class ConsoleShell {
  private win: BrowserWindow | null = null;
  private tray: Tray | null = null;
  private snapshot = SIGNED_OUT;
  private quitting = false;
  private readonly attention = new Attention({ actionsSupported: process.platform === 'darwin' });
  private readonly attend = attentionShell({ window: () => this.win, command: (c) => this.command(c) });

  constructor(
    private readonly o: { preload: string; settings: SettingsStore; services: () => DesktopServices },
  ) {}

  /** The window, for dialogs that belong to it (null before it opens). */
  get window(): BrowserWindow | null {
    return this.win;
  }

  /** The first window and the tray, once the server has started (or failed to). */
  open(): void {
    this.openWindow();
    this.tray = createTray(() => this.show());
    this.refreshTray();
  }

  show(): void {
    showWindow(this.win);
  }

  /** Quitting for good: closing the window no longer just hides it. */
  quit(): void {
    this.quitting = true;
  }

  /** The server changed: the window's argv and CSP name the old one, so it is opened anew. */
  reopen(): void {
    const old = this.win;
    this.openWindow();
    old?.destroy();
  }

  command(c: DesktopCommand): void {
    if (this.win) sendToWindow(this.win.webContents, 'desktop:command', c);
  }

  consoleChanged(next: ConsoleSnapshot): void {
    this.snapshot = next;
    this.attention.update(next, this.win?.isFocused() ?? false).forEach(this.attend);
    this.refreshTray();
  }

  aboutChanged(about: AboutServer): void {
    if (this.win) sendToWindow(this.win.webContents, 'server:about-changed', about);
  }

  refreshTray(): void {
    if (!this.tray) return;
    const services = this.o.services();
    const state = { mode: services.mode(), url: services.serverUrl(), embedded: services.embeddedStatus() };
    setTrayMenu(this.tray, trayMenu(this.snapshot, state), (action) => {
      if (action.type === 'show') this.show();
      else if (action.type === 'quit') app.quit();
      else this.command(action.command);
    });
  }

  private openWindow(): void {
    const services = this.o.services();
    this.win = openConsoleWindow({
      preload: this.o.preload,
      args: [`${WINDOW_ARGS.server}${services.serverUrl() ?? ''}`, `${WINDOW_ARGS.mode}${services.mode()}`],
      saved: this.o.settings.get().window,
      saveState: (state) => void this.o.settings.update((s) => ({ ...s, window: state })),
      isQuitting: () => this.quitting,
      onFocus: () => this.attention.focused().forEach(this.attend),
      // Minimized or left mid-ring: the ring is unseen from now, so the taskbar starts flashing.
      onBlur: () => this.attention.update(this.snapshot, false).forEach(this.attend),
    });
  }
}
