import type { Call, EventSource, TimelineEntry } from '#shared';
import { durationInWords, outcomeInWords } from './format';

export interface TimelineLine {
  /** Milliseconds since the call was created. */
  offsetMs: number;
  /** "+38 ms", "+4.2 s". */
  offset: string;
  /** What happened, in words, naming the phone when the entry is about one. */
  text: string;
  source: EventSource;
}

/** Offsets under a second stay in milliseconds: that is where APNs and ringing latencies live. */
export function formatOffset(ms: number): string {
  if (ms < 1000) return `+${Math.max(0, Math.round(ms))} ms`;
  return `+${durationInWords(ms)}`;
}

const SOURCE_WORDS: Record<EventSource, string> = {
  agent: 'the agent',
  device: 'the phone',
  server: 'the server',
  apns: 'APNs',
};

function pushText(entry: TimelineEntry, who: string): string {
  // recordPush writes "cancel · 200 · 38 ms · attempt 2": keep the facts, say what they mean.
  const parts = (entry.detail ?? '').split(' · ');
  const isCancel = parts[0] === 'cancel';
  const facts = (isCancel ? parts.slice(1) : parts).join(', ');
  const what = isCancel ? `the cancel push to ${who}` : `the call push to ${who}`;
  switch (entry.event) {
    case 'push:accepted':
      return `APNs accepted ${what} (${facts})`;
    case 'push:tokenInvalid':
      return `APNs refused ${what}: the token is dead (${facts})`;
    case 'push:retryable':
      return `APNs could not take ${what} yet; retrying (${facts})`;
    case 'push:configError':
      return `APNs refused ${what}: server push configuration error (${facts})`;
    default:
      return `APNs: ${entry.event.slice(5)} for ${what} (${facts})`;
  }
}

function entryText(call: Call, entry: TimelineEntry, who: string): string {
  const detail = entry.detail ? `: ${entry.detail}` : '';
  switch (entry.event) {
    case 'placed':
      return call.direction === 'outbound' ? 'the agent placed the call' : `${who} called in`;
    case 'reported':
      return `ringing on ${who}`;
    case 'answered':
      return `answered on ${who}`;
    case 'accepted':
      return 'the agent accepted';
    case 'connected':
      return 'connected';
    case 'held':
      return 'put on hold';
    case 'resumed':
      return 'taken off hold';
    case 'muted':
      return 'muted';
    case 'unmuted':
      return 'unmuted';
    case 'declined':
      return entry.source === 'device' ? `declined on ${who}` : 'declined by the agent';
    case 'unreachable':
      return entry.actorId ? `${who} cannot be reached${detail}` : `unreachable${detail}`;
    case 'hangup':
      return entry.source === 'device' ? `hung up on ${who}` : `${SOURCE_WORDS[entry.source]} hung up`;
    case 'timeout':
      return 'nobody answered before the ring timeout';
    case 'busy':
      return `busy${detail}`;
    case 'failed':
      return `failed${detail}`;
    case 'ended':
      return `ended: ${outcomeInWords(call)}`;
    default:
      return `${entry.event}${detail}`;
  }
}

/**
 * A call's timeline as an agent reads it: one line per entry, offsets from the start, phones by
 * name. `names` maps device (and agent) ids to names; an unknown id shows as its first 8 characters.
 */
export function describeTimeline(call: Call, names: ReadonlyMap<string, string> = new Map()): TimelineLine[] {
  return call.timeline.map((entry) => {
    const who = entry.actorId
      ? (names.get(entry.actorId) ?? `device ${entry.actorId.slice(0, 8)}`)
      : 'the phone';
    const offsetMs = entry.at - call.createdAt;
    return {
      offsetMs,
      offset: formatOffset(offsetMs),
      text: entry.event.startsWith('push:') ? pushText(entry, who) : entryText(call, entry, who),
      source: entry.source,
    };
  });
}
