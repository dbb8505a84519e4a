// The desktop app's part of the console: present only when `window.api` is (see bridge.ts).
export { desktopServerUrl, desktopSession, isDesktop } from './bridge';
export { DesktopCommands } from './DesktopCommands';
export { DesktopRoot } from './DesktopRoot';
export { SettingsScreen } from './SettingsScreen';
export { TestPushButton } from './TestPush';
