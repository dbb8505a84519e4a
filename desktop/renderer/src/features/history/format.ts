import type { Call, EndReason } from '#shared';
import type { Names } from '../../store/names';
import { endReasonText, stateLabel } from '../call/words';

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

/**
 * How long the two sides talked; for a call nobody answered, how long it rang (only a phone's own
 * report proves an outbound call rang) or how long the server waited for a phone that never did.
 */
export function callDurationInWords(
  call: Pick<Call, 'direction' | 'answeredAt' | 'endedAt' | 'createdAt' | 'timeline'>,
): string {
  if (call.answeredAt !== null) {
    return call.endedAt !== null ? durationInWords(call.endedAt - call.answeredAt) : 'in progress';
  }
  if (call.endedAt === null) return 'not answered yet';
  const waited = call.endedAt - call.createdAt;
  // An inbound call rings on the consoles as soon as it exists; an outbound one only once a phone says so.
  const rang = call.direction === 'inbound' || call.timeline.some((e) => e.event === 'reported');
  if (rang) return `rang ${durationInWords(waited)}`;
  return waited < 1000 ? 'never rang' : `never rang (waited ${durationInWords(waited)})`;
}

/** Short labels for the outcome filter; the list itself says more (see outcomeText). */
export const OUTCOME_LABELS: Record<EndReason, string> = {
  completed: 'Completed',
  declined: 'Declined',
  missed: 'Missed',
  cancelled: 'Cancelled',
  unreachable: 'Unreachable',
  failed: 'Failed',
  answeredElsewhere: 'Answered elsewhere',
  busy: 'Busy',
};

/**
 * The end of a call in the same words as the call panel; a call still live (history lists calls
 * from the moment they start) says what it is doing now.
 */
export function outcomeText(call: Call, names: Names): string {
  if (call.state !== 'ended') return `Live: ${stateLabel(call).text.toLowerCase()}`;
  return endReasonText(call, names);
}

/**
 * Epoch ms to "29 Nov, 14:02:07" in the agent's own locale and time zone; the year only when it
 * is not this year's, since a dense list is read by day and time.
 */
export function formatWhen(ms: number, now = Date.now(), locale?: string): string {
  const date = new Date(ms);
  return date.toLocaleString(locale, {
    day: 'numeric',
    month: 'short',
    ...(date.getFullYear() !== new Date(now).getFullYear() ? { year: 'numeric' } : {}),
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** "29 Nov 2025, 14:02:07": the full date, for one call's details. */
export const formatFullDate = (ms: number, locale?: string): string =>
  new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'medium' });
