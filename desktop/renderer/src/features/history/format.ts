import type { Call } from '#shared';
import type { Names } from '../../store/names';
import { endSentence, stateLabel } from '../call/words';

/**
 * The end of a call in the same words as the call panel; a call still live (history lists calls
 * from the moment they start) says what it is doing now.
 */
export function outcomeText(call: Call, names: Names): string {
  if (call.state !== 'ended') return `Live: ${stateLabel(call).text.toLowerCase()}`;
  return endSentence(call, names);
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
