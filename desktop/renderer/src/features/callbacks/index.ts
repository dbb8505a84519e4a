// The shared callbacks queue: its screen, and how many wait (the navigation's count).

export { CallbacksCount } from './CallbacksCount';
export { CallbacksScreen } from './CallbacksScreen';
