import type { MenuItemConstructorOptions } from 'electron';
import type { DesktopCommand } from '../preload/contract';

/** The live call's shortcuts: in the Call menu, so the platform shows them and they work when focused. */
export const CALL_SHORTCUTS = {
  answer: 'CmdOrCtrl+Shift+A',
  hangup: 'CmdOrCtrl+Shift+H',
  mute: 'CmdOrCtrl+Shift+M',
} as const;

/**
 * The application menu: the usual roles per platform (the app menu on macOS; Edit so copy and
 * paste work in fields; View without reload or devtools in a packaged app, where a reload could
 * only lose a call), plus Call with the shortcuts and Settings.
 */
export function appMenuTemplate(o: {
  platform: NodeJS.Platform;
  isPackaged: boolean;
  command: (command: DesktopCommand) => void;
}): MenuItemConstructorOptions[] {
  const mac = o.platform === 'darwin';
  const settings: MenuItemConstructorOptions = {
    label: mac ? 'Settings…' : 'Settings',
    accelerator: 'CmdOrCtrl+,',
    click: () => o.command({ type: 'open-settings' }),
  };
  const menu: MenuItemConstructorOptions[] = [];
  if (mac) {
    menu.push({
      role: 'appMenu',
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        settings,
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  }
  menu.push({
    role: 'fileMenu',
    submenu: mac ? [{ role: 'close' }] : [settings, { type: 'separator' }, { role: 'quit' }],
  });
  menu.push({ role: 'editMenu' });
  menu.push({
    label: 'Call',
    submenu: [
      { label: 'Answer', accelerator: CALL_SHORTCUTS.answer, click: () => o.command({ type: 'answer' }) },
      { label: 'Hang Up', accelerator: CALL_SHORTCUTS.hangup, click: () => o.command({ type: 'hangup' }) },
      {
        label: 'Mute or Unmute',
        accelerator: CALL_SHORTCUTS.mute,
        click: () => o.command({ type: 'toggle-mute' }),
      },
      { type: 'separator' },
      { label: 'Show Incoming Calls', click: () => o.command({ type: 'show-calls' }) },
    ],
  });
  const view: MenuItemConstructorOptions[] = o.isPackaged
    ? []
    : [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }];
  menu.push({
    label: 'View',
    submenu: [
      ...view,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  });
  menu.push({ role: 'windowMenu' });
  return menu;
}
