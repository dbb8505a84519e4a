import type { Call, EndReason } from './call';

/**
 * How a call ended and how long it rang, in the words every surface shows: the console's call
 * card, its incoming cards and history, the desktop app. Written once because two copies drifted
 * apart ("No answer" on the card, "Missed" in the history filter; the card's "0:04 rang for" for
 * an offline phone that history rightly called "never rang (waited 4.0 s)"), issue 22 item 6.
 */

export type Tone = 'ok' | 'info' | 'warn' | 'bad' | 'neutral';

/** One short name per end reason: a badge, a filter option, a phone's line in a ring-all call. */
export const END_REASON_LABELS: Record<EndReason, string> = {
  completed: 'Completed',
  declined: 'Declined',
  missed: 'No answer',
  cancelled: 'Cancelled',
  unreachable: 'Unreachable',
  failed: 'Failed',
  answeredElsewhere: 'Answered elsewhere',
  busy: 'Busy',
  noAgentAvailable: 'No agent available',
};

/** A talk is neutral, a phone that could not be rung is bad, anything else the agent may act on. */
export function endTone(reason: EndReason | null): Tone {
  if (reason === 'completed') return 'neutral';
  if (reason === 'unreachable' || reason === 'failed') return 'bad';
  return 'warn';
}

/** "45 s", "2 min": a duration inside a sentence such as "no answer within 45 s". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  return `${Math.round(s / 60)} min`;
}

/** "4.2 s", "1 min 05 s", "1 h 02 min": precise where an agent compares calls, round where not. */
export function durationInWords(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours} h ${String(minutes).padStart(2, '0')} min`;
  return `${minutes} min ${String(seconds).padStart(2, '0')} s`;
}

type Timed = Pick<Call, 'direction' | 'state' | 'answeredAt' | 'endedAt' | 'createdAt' | 'timeline'>;

/**
 * Whether the call rang anywhere. An inbound call rings on the consoles from the moment it
 * exists; an outbound one only once a phone reported it to CallKit (APNs accepting a push proves
 * nothing: an offline phone never shows it).
 */
export function callRang(call: Pick<Call, 'direction' | 'timeline'>): boolean {
  return call.direction === 'inbound' || call.timeline.some((e) => e.event === 'reported');
}

/** What a call's clock counts now: talk time once answered; before that, a ring or only a wait. */
export type ClockPhase = 'talking' | 'talked' | 'ringing' | 'rang' | 'waiting' | 'waited';

export function callClock(call: Timed, now: number): { phase: ClockPhase; ms: number } {
  const live = call.state !== 'ended';
  const end = live ? now : (call.endedAt ?? now);
  if (call.answeredAt !== null) return { phase: live ? 'talking' : 'talked', ms: end - call.answeredAt };
  const rang = callRang(call);
  const phase: ClockPhase = live ? (rang ? 'ringing' : 'waiting') : rang ? 'rang' : 'waited';
  return { phase, ms: end - call.createdAt };
}

/** The caption under a call's running clock. */
export const CLOCK_CAPTIONS: Record<ClockPhase, string> = {
  talking: 'on the call',
  talked: 'talk time',
  ringing: 'ringing',
  rang: 'rang for',
  waiting: 'not ringing yet',
  waited: 'waited, never rang',
};

/**
 * How long the two sides talked; for a call nobody answered, how long it rang, or how long the
 * server waited for a phone that never did.
 */
export function callDurationInWords(call: Timed): string {
  if (call.endedAt === null) return call.answeredAt !== null ? 'in progress' : 'not answered yet';
  const { phase, ms } = callClock(call, call.endedAt);
  if (phase === 'talked') return durationInWords(ms);
  if (phase === 'rang') return `rang ${durationInWords(ms)}`;
  return ms < 1000 ? 'never rang' : `never rang (waited ${durationInWords(ms)})`;
}

const lastDetail = (call: Call, event: string): string | null =>
  [...call.timeline].reverse().find((e) => e.event === event && e.detail)?.detail ?? null;

/**
 * The end of a call in one sentence: what happened, and for failures, why. `phoneName` names a
 * device by id ("Ana's iPhone"); the caller knows the roster, this module does not.
 */
export function endReasonText(call: Call, phoneName: (deviceId: string | null) => string): string {
  switch (call.endReason) {
    case 'completed': {
      const hangup = [...call.timeline].reverse().find((e) => e.event === 'hangup');
      if (!hangup) return 'Call completed';
      if (hangup.source === 'agent') return 'Call completed: you hung up';
      return `Call completed: hung up on ${phoneName(hangup.actorId)}`;
    }
    case 'declined':
      return call.direction === 'inbound' ? 'Declined by an agent' : 'Declined on the phone';
    case 'missed':
      return `No answer within ${formatDuration(call.ringUntil - call.createdAt)}`;
    case 'cancelled':
      return call.direction === 'inbound'
        ? 'The caller hung up before it was answered'
        : 'Cancelled before it was answered';
    case 'unreachable':
      return `Phone unreachable: ${unreachableWhy(call)}`;
    case 'failed':
      return `Call failed: ${lastDetail(call, 'failed') ?? 'an error on the server'}`;
    case 'answeredElsewhere':
      return 'Answered by another agent';
    case 'busy':
      return `Busy: ${lastDetail(call, 'busy') ?? 'already in a call'}`;
    case 'noAgentAvailable':
      return `No agent available: ${lastDetail(call, 'noAgentAvailable') ?? 'nobody could take it'}`;
    default:
      return 'Call ended';
  }
}

/** The server's details are terse ("no VoIP push token yet and not connected"); keep them, plainly. */
function unreachableWhy(call: Call): string {
  const detail = lastDetail(call, 'unreachable');
  if (detail) return humanizeUnreachable(detail);
  return 'no valid push token and not connected';
}

export function humanizeUnreachable(detail: string): string {
  if (/no VoIP push token/i.test(detail))
    return 'no valid push token (the app has not registered for calls yet)';
  if (/push token invalid/i.test(detail))
    return detail.replace(/^push token invalid/i, 'push token rejected by APNs');
  return detail;
}
