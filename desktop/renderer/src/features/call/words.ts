import {
  type Call,
  END_REASON_LABELS,
  endReasonText,
  endTone,
  humanizeUnreachable,
  isRingTest,
  type Leg,
  notRungYetText,
  ringTestOutcome,
  type TimelineEntry,
  type Tone,
} from '#shared';
import type { Names } from '../../store/names';

/**
 * Every call fact in words an agent can act on. The wire gives codes and ids; the agent needs
 * "declined on the phone" and "ringing on Ana's iPhone".
 */

const deviceLabel = (names: Names, id: string | null): string => names.device(id)?.device ?? 'a phone';

export function partyName(call: Call, names: Names): string {
  return names.staff(call.staffId)?.name ?? call.callerName ?? 'Unknown staff member';
}

export function stateLabel(call: Call): { text: string; tone: Tone } {
  switch (call.state) {
    case 'dialing':
      return { text: call.direction === 'inbound' ? 'Incoming' : 'Calling…', tone: 'info' };
    case 'ringing':
      return { text: 'Ringing', tone: 'info' };
    case 'connecting':
      return { text: 'Connecting…', tone: 'info' };
    case 'active':
      if (call.held) return { text: 'On hold', tone: 'warn' };
      return { text: 'Connected', tone: 'ok' };
    case 'ended':
      // A ring test's "No answer" is its normal end: whether it rang is the news.
      if (isRingTest(call) && (call.endReason === 'missed' || call.endReason === 'declined')) {
        return call.devices.some((l) => rangOn(call, l.deviceId))
          ? { text: 'Rang', tone: 'ok' }
          : { text: 'Did not ring', tone: 'bad' };
      }
      return {
        text: call.endReason ? END_REASON_LABELS[call.endReason] : 'Ended',
        tone: endTone(call.endReason),
      };
  }
}

/** The phone rang for this call: it said so, or it declined (it rang to be declined). */
const rangOn = (call: Call, deviceId: string) =>
  call.timeline.some((e) => (e.event === 'reported' || e.event === 'declined') && e.actorId === deviceId);

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** How the end of a call reads with this console's names for the phones (a ring test: how it rang). */
export const endSentence = (call: Call, names: Names): string =>
  isRingTest(call)
    ? ringTestOutcome(call, (id) => deviceLabel(names, id))
    : endReasonText(call, (id) => deviceLabel(names, id));

export function legLabel(leg: Leg, call: Call): { text: string; tone: Tone } {
  if (call.answeredByDeviceId === leg.deviceId) {
    return call.state === 'ended'
      ? { text: 'Answered, call over', tone: 'neutral' }
      : { text: 'Answered', tone: 'ok' };
  }
  if (isRingTest(call) && call.state === 'ended') {
    return rangOn(call, leg.deviceId) ? { text: 'Rang', tone: 'ok' } : { text: 'Did not ring', tone: 'bad' };
  }
  switch (leg.state) {
    case 'pending': {
      // The ring check noted it silent a while after its push (issue 25 item 7).
      const silent = call.timeline.findLast((e) => e.event === 'notRungYet' && e.actorId === leg.deviceId);
      if (silent && call.state !== 'ended') return { text: 'Has not rung yet', tone: 'warn' };
      return { text: 'Push sent, waiting for the phone', tone: 'neutral' };
    }
    case 'ringing':
      return { text: 'Ringing', tone: 'info' };
    case 'answered':
      return { text: 'Answered', tone: 'ok' };
    case 'ended':
      switch (leg.endReason) {
        case 'declined':
        case 'unreachable':
        case 'missed':
          return { text: END_REASON_LABELS[leg.endReason], tone: endTone(leg.endReason) };
        case 'answeredElsewhere':
          return { text: 'Stopped: answered on another phone', tone: 'neutral' };
        case 'cancelled':
          return { text: 'Stopped: call cancelled', tone: 'neutral' };
        default:
          return { text: 'Stopped ringing', tone: 'neutral' };
      }
  }
}

/**
 * "Push accepted, Ana's iPhone has not rung yet": the phones of a live call that the server's ring
 * check found silent (issue 25 item 7) and that still have not rung.
 */
export function silentNotes(call: Call, names: Names): string[] {
  return call.devices
    .filter((leg) => leg.state === 'pending')
    .flatMap((leg) => {
      const e = call.timeline.findLast((t) => t.event === 'notRungYet' && t.actorId === leg.deviceId);
      return e ? [notRungYetText(deviceLabel(names, leg.deviceId), e.detail)] : [];
    });
}

export interface TimelineItem {
  key: string;
  text: string;
  /** ms from the start of the call. */
  offset: number;
  tone: Tone;
}

/**
 * The timeline as the agent reads it. A push entry is stamped when the attempt started; its
 * offset is when APNs answered (start + latency), which is the "APNs accepted +38 ms" of the issue.
 */
export function timelineItems(call: Call, names: Names, agentId: string | null): TimelineItem[] {
  return (
    call.timeline
      .map((entry, i) => {
        const push = entry.event.startsWith('push:')
          ? call.pushes.find((p) => p.at === entry.at && p.deviceId === entry.actorId)
          : undefined;
        const at = push ? push.at + push.latencyMs : entry.at;
        const { text, tone } = entryText(call, entry, names, agentId, push?.kind === 'cancel');
        return { key: `${i}:${entry.event}`, text, offset: at - call.createdAt, tone };
      })
      .filter((item) => item.text !== '')
      // A phone on its socket can ring before APNs answers the push: show what happened in time order.
      .sort((a, b) => a.offset - b.offset)
  );
}

function entryText(
  call: Call,
  e: TimelineEntry,
  names: Names,
  agentId: string | null,
  cancelPush: boolean,
): { text: string; tone: TimelineItem['tone'] } {
  const dev = () => deviceLabel(names, e.actorId);
  const reason = e.detail?.split(' · ').find((part) => /^[A-Z][A-Za-z]+$/.test(part)) ?? null;
  const byAgent = e.actorId !== null && e.actorId === agentId ? 'you' : 'another agent';
  switch (e.event) {
    case 'placed':
      if (isRingTest(call)) return { text: 'Ring test sent', tone: 'neutral' };
      return call.direction === 'inbound'
        ? { text: `${dev()} called in`, tone: 'info' }
        : { text: 'Call placed', tone: 'neutral' };
    case 'notRungYet':
      return { text: notRungYetText(dev(), e.detail), tone: 'warn' };
    case 'fallback':
      return {
        text: upperFirst(e.detail ?? 'No phone rang in time: also ringing the fallback'),
        tone: 'info',
      };
    case 'push:sending':
      // Bookkeeping for a restart; APNs' answer that follows is what the agent reads.
      return { text: '', tone: 'neutral' };
    case 'push:accepted':
      return {
        text: cancelPush ? `APNs accepted the cancel for ${dev()}` : `APNs accepted for ${dev()}`,
        tone: 'neutral',
      };
    case 'push:tokenInvalid':
      return { text: `APNs refused the token of ${dev()}${reason ? ` (${reason})` : ''}`, tone: 'bad' };
    case 'push:retryable':
      return {
        text: `APNs did not take the push for ${dev()}${reason ? ` (${reason})` : ''}; retrying`,
        tone: 'warn',
      };
    case 'push:configError':
      return { text: `APNs configuration error${reason ? ` (${reason})` : ''}`, tone: 'bad' };
    case 'reported':
      return { text: `Ringing on ${dev()}`, tone: 'info' };
    case 'answered':
      return { text: `Answered on ${dev()}`, tone: 'ok' };
    case 'accepted':
      return { text: `Accepted by ${byAgent}`, tone: 'ok' };
    case 'connected':
      return { text: 'Connected', tone: 'ok' };
    case 'held':
      return { text: e.detail ? `Put on hold ${e.detail}` : 'Put on hold', tone: 'neutral' };
    case 'resumed':
      return { text: e.detail ? `Resumed ${e.detail}` : 'Resumed', tone: 'neutral' };
    case 'muted':
      return { text: 'Muted', tone: 'neutral' };
    case 'unmuted':
      return { text: 'Unmuted', tone: 'neutral' };
    case 'declined':
      return e.source === 'device'
        ? { text: `Declined on ${dev()}`, tone: 'warn' }
        : { text: `Declined by ${byAgent}`, tone: 'warn' };
    case 'unreachable':
      // A call-level "unreachable" is said by the "ended" entry that follows it.
      if (!e.actorId) return { text: '', tone: 'bad' };
      return {
        text: `${dev()} unreachable: ${humanizeUnreachable(e.detail ?? 'cannot be rung')}`,
        tone: 'bad',
      };
    case 'hangup':
      if (e.source === 'server') return { text: 'Ring test over: it was answered', tone: 'neutral' };
      return e.source === 'agent'
        ? { text: 'You hung up', tone: 'neutral' }
        : { text: `Hung up on ${dev()}`, tone: 'neutral' };
    // The "ended" entry right after these says the same thing, with the reason in words.
    case 'timeout':
    case 'busy':
    case 'failed':
    case 'noAgentAvailable':
      return { text: '', tone: 'neutral' };
    case 'ended':
      // A completed call's hang-up entry already says who ended it.
      if (isRingTest(call)) return { text: endSentence(call, names), tone: 'neutral' };
      if (call.endReason === 'completed') return { text: 'Call ended', tone: 'neutral' };
      return { text: `Call ended: ${lowerFirst(endSentence(call, names))}`, tone: endTone(call.endReason) };
    default:
      return e.event.startsWith('transfer:') ? transferText(e) : { text: e.event, tone: 'neutral' };
  }
}

/** A transfer step; its detail is `kind · the chosen agent's name[ · why]` (shared/src/transfer.ts). */
function transferText(e: TimelineEntry): { text: string; tone: TimelineItem['tone'] } {
  const [kind, to = 'another agent', why] = (e.detail ?? '').split(' · ');
  const how = kind === 'warm' ? 'talk first' : 'blind';
  switch (e.event) {
    case 'transfer:requested':
      return { text: `Transfer to ${to} (${how}): ringing their console`, tone: 'info' };
    case 'transfer:accepted':
      return { text: `${to} accepted: consulting`, tone: 'info' };
    case 'transfer:declined':
      return {
        text: why ? `${why[0]!.toUpperCase()}${why.slice(1)}` : `${to} declined the transfer`,
        tone: 'warn',
      };
    case 'transfer:missed':
      return { text: `${to} did not answer the transfer`, tone: 'warn' };
    case 'transfer:cancelled':
      return { text: `Transfer to ${to} cancelled${why ? `: ${why}` : ''}`, tone: 'neutral' };
    default:
      return { text: `Call transferred to ${to}${why ? ` (${why})` : ''}`, tone: 'ok' };
  }
}
