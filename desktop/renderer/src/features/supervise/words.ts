import type { SuperviseMode, SupervisionEndReason } from '#shared';
import type { ConsultPhase } from '../transfer';

export const MODES: { mode: SuperviseMode; label: string; hint: string }[] = [
  { mode: 'listen', label: 'Listen', hint: 'hear both sides; nobody hears you' },
  { mode: 'coach', label: 'Coach', hint: 'talk to the agent; the caller does not hear you' },
  { mode: 'barge', label: 'Barge', hint: 'join the call; both hear you' },
];

/** What the agent's call card says while an admin supervises the call. */
export function supervisedText(name: string, mode: SuperviseMode): string {
  if (mode === 'listen') return `${name} is listening to this call`;
  if (mode === 'coach') return `${name} is coaching you: only you hear them`;
  return `${name} has joined the call: the caller hears them too`;
}

/** The supervisor's card: what they do now. */
export function supervisingText(mode: SuperviseMode, agent: string, person: string): string {
  if (mode === 'listen') return `Listening to ${agent}’s call with ${person}`;
  if (mode === 'coach') return `Coaching ${agent} on the call with ${person}`;
  return `In ${agent}’s call with ${person}`;
}

export function legText(phase: ConsultPhase | null): string {
  if (phase === 'connected') return 'Supervision audio connected';
  if (phase === 'failed') return 'No audio path to the agent’s console';
  return 'Connecting the audio…';
}

export const ENDED: Record<SupervisionEndReason, string> = {
  stopped: 'You stopped supervising.',
  callEnded: 'The call ended.',
  transferred: 'The call was transferred to another agent.',
  supervisorLeft: 'This console closed.',
};
