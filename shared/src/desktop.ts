/**
 * The desktop app serves its console from this origin (a privileged custom scheme, as Electron's
 * security checklist prefers to file://) and talks to a call server on another one: the server
 * answers this origin's cross-origin requests, and no other's.
 */
export const DESKTOP_ORIGIN = 'app://switchboard';

/**
 * The port a call server listens on unless told otherwise: the CLI's `--port` and the desktop
 * app's own server, so a phone paired with either finds it at the same address.
 */
export const DEFAULT_SERVER_PORT = 4780;
