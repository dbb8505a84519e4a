// Caller ID and blocking for every paired phone.
export { DirectoryScreen } from './DirectoryScreen';
