import type { Transfer } from '#shared';
import type { ConsultPhase } from './consult/answerer';

/** A transfer in the words each of its two agents reads, and the consultation's audio. */

/** The first agent's view of the transfer under way, about `person` (the caller or called). */
export function transferringText(t: Transfer, person: string): string {
  if (t.state === 'consulting') return `Talking with ${t.toName}. ${person} is on hold.`;
  return t.kind === 'warm'
    ? `Asking ${t.toName} to take the call. ${person} is on hold.`
    : `Transferring to ${t.toName}: their console is ringing. You are still connected to ${person}.`;
}

/** The chosen agent's view: who hands them which call, and how. */
export function offeredText(t: Transfer, person: string): { kicker: string; line: string; how: string } {
  if (t.state === 'consulting') {
    return {
      kicker: 'Consultation',
      line: `${t.fromName} · about ${person}`,
      how: `${person} is on hold. ${t.fromName} completes the transfer or takes the call back.`,
    };
  }
  return {
    kicker: 'Transfer · ringing',
    line: `${person} from ${t.fromName}`,
    how:
      t.kind === 'warm'
        ? `${t.fromName} wants to talk to you first; ${person} is on hold.`
        : `Accept and ${person} is connected to you.`,
  };
}

export const KIND_LABELS = {
  blind: 'Transfer now',
  warm: 'Talk to them first',
} as const;

export const KIND_HINTS = {
  blind: 'The call rings them; when they accept, the caller is theirs and you drop off.',
  warm: 'The caller waits on hold while you talk to them; then you hand the call over or take it back.',
} as const;

export function consultText(phase: ConsultPhase | null): string {
  switch (phase) {
    case 'connected':
      return 'Consultation audio connected';
    case 'failed':
      return 'No consultation audio: you can still complete or cancel';
    case 'ended':
      return 'Consultation over';
    default:
      return 'Connecting consultation audio…';
  }
}
