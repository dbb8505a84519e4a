import type { ConsoleSnapshot } from '../../preload/contract';
import type { DesktopServices } from '../services';
import type { MainIpc } from './main-ipc';

/**
 * Every request and message of the contract, answered by the services. The `satisfies` below
 * makes a channel added to the contract without a handler a compile error.
 */
export function registerIpcHandlers(
  ipc: MainIpc,
  services: DesktopServices,
  onConsoleState: (snapshot: ConsoleSnapshot) => void,
): void {
  ipc.handle('session:owner', () => services.ownerSession());
  ipc.handle('settings:get', () => services.settingsView());
  ipc.handle('server:use-embedded', () => services.switchToEmbedded());
  ipc.handle('server:use-remote', (url) => services.switchToRemote(url));
  ipc.handle('server:configure-embedded', (settings) => services.configureEmbedded(settings));
  ipc.handle('server:about', () => services.about());
  ipc.handle('apns:choose-key', () => services.chooseApnsKey());
  ipc.handle('apns:save', (form) => services.saveApns(form));
  ipc.handle('apns:clear', () => services.clearApns());
  ipc.on('console:state', (snapshot) => {
    services.consoleChanged(snapshot);
    onConsoleState(snapshot);
  });
}
