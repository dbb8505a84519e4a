import {
  app,
  BrowserWindow,
  Menu,
  type MenuItemConstructorOptions,
  Notification,
  nativeImage,
  screen,
  Tray,
} from 'electron';
import type { DesktopCommand } from '../preload/contract';
import badgePath from './assets/badge.png?asset';
import trayPath from './assets/tray.png?asset';
import trayTemplatePath from './assets/trayTemplate.png?asset';
import type { AttentionEffect } from './attention';
import { APP_ENTRY } from './security';
import type { TrayItem } from './tray-menu';
import { WINDOW_KINDS } from './window';
import { restoreBounds, type WindowState, WindowStateKeeper } from './window-state';

// The Electron objects the app shows: the window, the tray, notifications and the badge. Each
// function here only maps the tested logic (security.ts, window-state.ts, attention.ts,
// tray-menu.ts) onto Electron; none decides anything.

/** The console window: remembers its place; closing it hides it, so calls still ring. */
export function openConsoleWindow(o: {
  preload: string;
  args: string[];
  saved: WindowState | null;
  saveState: (state: WindowState) => void;
  isQuitting: () => boolean;
  onFocus: () => void;
  onBlur: () => void;
}): BrowserWindow {
  const primary = screen.getPrimaryDisplay();
  const areas = [primary, ...screen.getAllDisplays().filter((d) => d.id !== primary.id)].map(
    (d) => d.workArea,
  );
  const { bounds, maximized } = restoreBounds(o.saved, areas);
  const win = new BrowserWindow(WINDOW_KINDS.main(o.preload, o.args, bounds));
  if (maximized) win.maximize();
  const keeper = new WindowStateKeeper({
    read: () => ({ normal: win.getNormalBounds(), maximized: win.isMaximized() }),
    save: o.saveState,
  });
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const)
    win.on(event as 'resize', () => keeper.changed());
  win.on('close', (event) => {
    keeper.saveNow();
    if (o.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
  win.on('focus', o.onFocus);
  win.on('blur', o.onBlur);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY);
  return win;
}

export function showWindow(win: BrowserWindow | null): void {
  if (!win || win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}

/** The tray icon; its menu is rebuilt from `trayMenu()` whenever the state changes. */
export function createTray(onClick: () => void): Tray {
  const mac = process.platform === 'darwin';
  const image = nativeImage.createFromPath(mac ? trayTemplatePath : trayPath);
  if (mac) image.setTemplateImage(true);
  const tray = new Tray(image);
  // macOS opens the menu on click; elsewhere a click shows the window, the menu is on right-click.
  if (!mac) tray.on('click', onClick);
  return tray;
}

export function setTrayMenu(
  tray: Tray,
  model: { tooltip: string; items: TrayItem[] },
  act: (action: NonNullable<Extract<TrayItem, { label: string }>['action']>) => void,
): void {
  tray.setToolTip(model.tooltip);
  const template: MenuItemConstructorOptions[] = model.items.map((item) =>
    'type' in item
      ? { type: 'separator' }
      : {
          label: item.label,
          enabled: item.enabled,
          click: item.action ? () => act(item.action!) : undefined,
        },
  );
  tray.setContextMenu(Menu.buildFromTemplate(template));
}

/**
 * Notifications and the badge, as `Attention` decides them. Incoming-call notifications are kept
 * by call id so they close when the call stops ringing (and so they are not garbage-collected,
 * which would drop their click handlers).
 */
export function attentionShell(o: {
  window: () => BrowserWindow | null;
  command: (c: DesktopCommand) => void;
}) {
  const incoming = new Map<string, Notification>();
  const badge = nativeImage.createFromPath(badgePath);
  const focusCalls = () => {
    showWindow(o.window());
    o.command({ type: 'show-calls' });
  };
  return (effect: AttentionEffect) => {
    switch (effect.type) {
      case 'notify-incoming': {
        if (!Notification.isSupported()) return;
        const note = new Notification({
          title: 'Incoming call',
          body: `${effect.caller} is calling`,
          urgency: 'critical',
          timeoutType: 'never',
          actions: effect.withActions
            ? [
                { type: 'button', text: 'Accept' },
                { type: 'button', text: 'Decline' },
              ]
            : [],
        });
        note.on('action', (_event, index) => {
          if (index === 0) showWindow(o.window());
          o.command({ type: index === 0 ? 'accept' : 'decline', callId: effect.callId });
        });
        note.on('click', focusCalls);
        incoming.set(effect.callId, note);
        note.show();
        return;
      }
      case 'close-incoming':
        incoming.get(effect.callId)?.close();
        incoming.delete(effect.callId);
        return;
      case 'notify-missed': {
        if (!Notification.isSupported()) return;
        const note = new Notification({ title: 'Missed call', body: `${effect.caller} called` });
        note.on('click', focusCalls);
        note.show();
        return;
      }
      case 'flash':
        o.window()?.flashFrame(effect.on);
        return;
      case 'notify-health': {
        if (!Notification.isSupported()) return;
        const note = new Notification({ title: effect.title, body: effect.body });
        note.on('click', () => showWindow(o.window()));
        note.show();
        return;
      }
      case 'badge': {
        const win = o.window();
        if (process.platform === 'win32') {
          // Windows has no badge count: an overlay on the taskbar button says it instead.
          win?.setOverlayIcon(
            effect.count > 0 ? badge : null,
            effect.count > 0 ? `${effect.count} missed calls` : '',
          );
        } else {
          app.setBadgeCount(effect.count);
        }
        return;
      }
    }
  };
}
