/**
 * The desktop app serves its console from this origin (a privileged custom scheme, as Electron's
 * security checklist prefers to file://) and talks to a call server on another one: the server
 * answers this origin's cross-origin requests, and no other's.
 */
export const DESKTOP_ORIGIN = 'app://switchboard';
