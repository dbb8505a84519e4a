// The agent's calls: the call panel, the actions that place and answer calls, and their words.
export { CallPanel } from './CallPanel';
export type { Offer } from './slice';
export { Timeline } from './Timeline';
export { useCallActions } from './useCallActions';
export { endSentence, stateLabel } from './words';
