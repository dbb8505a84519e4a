// The agent's calls: the call panel, the actions that place and answer calls, and their words.
export { CallPanel } from './CallPanel';
export type { Offer } from './slice';
export { Timeline } from './Timeline';
export { refusalText, useCallActions } from './useCallActions';
export { useCallControls } from './useCallControls';
// What a warm transfer's consultation (features/transfer) reuses of the call's voice.
export { VoiceController } from './voice/controller';
export type { CandidateLike, PeerConfig, PeerLike, TrackLike } from './voice/peer';
export {
  applyRingtoneDevice,
  chooseMicrophone,
  chooseRingtone,
  chooseSpeaker,
  onVoiceMedia,
  openChosenMicrophone,
  refreshDevices,
  type VoiceMedia,
  voiceController,
  voiceMedia,
} from './voice/session';
export type { VoicePhase } from './voice/types';
export { useVoice } from './voice/VoiceSession';
export { endSentence, stateLabel } from './words';
