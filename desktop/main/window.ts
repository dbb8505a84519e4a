import { mainWindowOptions } from './security';

/**
 * Every kind of window the app opens, with its options: one, the console. `window.open` is
 * refused everywhere, so this list is the whole of it (a test checks each kind's preferences).
 */
export const WINDOW_KINDS = {
  main: mainWindowOptions,
} as const;
