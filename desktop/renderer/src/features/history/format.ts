import type { Call, Direction, EndReason } from '#shared';

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

/** How long the two sides talked, or how long it rang when nobody answered. */
export function callDurationInWords(
  call: Pick<Call, 'answeredAt' | 'endedAt' | 'createdAt' | 'state'>,
): string {
  if (call.answeredAt !== null && call.endedAt !== null)
    return durationInWords(call.endedAt - call.answeredAt);
  if (call.answeredAt !== null) return 'in progress';
  if (call.endedAt !== null) return `not answered (rang ${durationInWords(call.endedAt - call.createdAt)})`;
  return 'ringing';
}

export const DIRECTION_WORDS: Record<Direction, string> = {
  outbound: 'to the phone',
  inbound: 'from the phone',
};

/** Short labels for the outcome filter; the list itself says more (see outcomeInWords). */
export const OUTCOME_LABELS: Record<EndReason, string> = {
  completed: 'Completed',
  declined: 'Declined',
  missed: 'Missed (no answer)',
  cancelled: 'Cancelled while ringing',
  unreachable: 'Phone unreachable',
  failed: 'Failed',
  answeredElsewhere: 'Answered elsewhere',
  busy: 'Busy',
};

type OutcomeFields = Pick<
  Call,
  'state' | 'endReason' | 'direction' | 'createdAt' | 'ringUntil' | 'timeline' | 'answeredAt'
>;

/** The end of a call as an agent would say it, with the server's detail when it explains why. */
export function outcomeInWords(call: OutcomeFields): string {
  if (call.state !== 'ended' || call.endReason === null) return `still ${call.state}`;
  // Push entries carry APNs details (status, latency) that do not explain the end; skip them.
  const detail =
    call.timeline.findLast((e) => e.event !== 'ended' && !e.event.startsWith('push:') && e.detail)?.detail ??
    null;
  switch (call.endReason) {
    case 'completed':
      return 'completed';
    case 'declined':
      return call.direction === 'outbound' ? 'declined on the phone' : 'declined by the agent';
    case 'missed':
      return `no answer within ${Math.round((call.ringUntil - call.createdAt) / 1000)} s`;
    case 'cancelled':
      return call.direction === 'outbound'
        ? 'cancelled: the agent hung up while it rang'
        : 'cancelled: the caller hung up while it rang';
    case 'unreachable':
      return detail ? `phone unreachable: ${detail}` : 'phone unreachable: no valid push token';
    case 'failed':
      return detail ? `failed: ${detail}` : 'failed';
    case 'answeredElsewhere':
      return 'answered on another device';
    case 'busy':
      return detail ? `busy: ${detail}` : 'busy';
  }
}

/** Epoch ms to "29 Nov 2025, 14:02:07" in the agent's own locale and time zone. */
export function formatWhen(ms: number, locale?: string): string {
  return new Date(ms).toLocaleString(locale, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
