// One softphone per agent across their tabs and windows (issue 26): which page rings and plays,
// its audio devices, auto-answer and the call shortcuts.
export { AudioSettings } from './AudioSettings';
export { AutoAnswer, useAutoAnswerOffer } from './AutoAnswer';
export { thisPage } from './page';
export { CallShortcuts } from './Shortcuts';
export { SoftphoneBanner, useIsSoftphone } from './SoftphoneBanner';
