import type { HealthState, RejectReason } from '#shared';

/** Why APNs refused a push, as an admin reads it. */
export const REJECT_WORDS: Record<RejectReason, string> = {
  unregistered: 'token unregistered (410)',
  badToken: 'bad token',
  wrongTopic: 'token of another app',
  credentials: 'server credentials refused',
  throttled: 'throttled until the deadline',
  apnsError: 'APNs errors until the deadline',
  noAnswer: 'no answer from APNs',
};

/** The Health screen's filter: each state by the name its mark has (a token moved reads "Token invalid"). */
export const STATE_WORDS: Record<HealthState, string> = {
  tokenInvalid: 'Token invalid',
  notRinging: 'Not ringing',
  noToken: 'No push token',
  pushesOff: 'Pushes off',
  microphoneOff: 'Microphone off',
  offline: 'Offline',
  slow: 'Slow',
  untested: 'No rings yet',
  good: 'Good',
};
