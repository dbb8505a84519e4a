import type { Call } from './call';
import { endReasonText } from './call-words';
import { seconds } from './phone-health';

/**
 * Ring tests and the ring check (issue 25 items 3 and 7): what the server writes on a call and the
 * console reads back, in one place.
 */

/**
 * A ring test rings this long, then ends itself (a declined or answered one ends sooner). iOS
 * requires every VoIP push to show a call, so a test is a real call, never a silent push.
 */
export const RING_TEST_MS = 5_000;
/** The `placed` entry of a ring test says so: consoles, history and the record tell it from a call. */
export const RING_TEST_NOTE = 'ring test';

export const isRingTest = (call: Pick<Call, 'timeline'>): boolean =>
  call.timeline[0]?.event === 'placed' && call.timeline[0].detail === RING_TEST_NOTE;

/** How long after its push a silent phone is noted, and the fallback rung (`--not-rung-after`). */
export const DEFAULT_NOT_RUNG_AFTER_MS = 5_000;

/** What a `notRungYet` entry's detail says of the phone's push. */
export const SILENT_DETAILS = {
  accepted: 'push accepted',
  unanswered: 'APNs has not accepted the push yet',
  socket: 'told over its connection, no push',
} as const;

/** Why a phone of this call is still silent, for its `notRungYet` entry. */
export function silentDetail(call: Call, deviceId: string): string {
  const pushes = call.pushes.filter((p) => p.deviceId === deviceId && p.kind === 'call');
  if (pushes.some((p) => p.outcome === 'accepted')) return SILENT_DETAILS.accepted;
  const pushed =
    pushes.length > 0 || call.timeline.some((e) => e.event === 'push:sending' && e.actorId === deviceId);
  return pushed ? SILENT_DETAILS.unanswered : SILENT_DETAILS.socket;
}

/** "Push accepted, Ana's iPhone has not rung yet": the call panel's note for a silent phone. */
export function notRungYetText(phone: string, detail: string | null): string {
  if (detail === SILENT_DETAILS.accepted) return `Push accepted, ${phone} has not rung yet`;
  if (detail === SILENT_DETAILS.unanswered)
    return `${phone} has not rung yet: APNs has not accepted its push`;
  return `${phone} has not rung yet`;
}

/** The phones of a call that have not rung (or answered, or declined) and still may. */
export const silentPhones = (call: Pick<Call, 'devices'>): string[] =>
  call.devices.filter((l) => l.state === 'pending').map((l) => l.deviceId);

/**
 * How a ring test went, for the agent who sent it: each phone rang (after how long) or did not.
 * One that could not be rung at all (no valid token, in a call) says why, as any call would.
 */
export function ringTestOutcome(call: Call, phone: (deviceId: string | null) => string): string {
  if (call.endReason === 'unreachable' || call.endReason === 'busy' || call.endReason === 'failed') {
    return `Ring test not rung: ${lowerFirst(endReasonText(call, phone))}`;
  }
  const parts = call.devices.map(({ deviceId }) => {
    const asked =
      call.timeline.find((e) => e.event === 'push:sending' && e.actorId === deviceId)?.at ?? call.createdAt;
    const rang = call.timeline.find((e) => e.event === 'reported' && e.actorId === deviceId);
    return rang
      ? `rang on ${phone(deviceId)} after ${seconds(rang.at - asked)}`
      : `${phone(deviceId)} did not ring`;
  });
  return `Ring test over: ${parts.join('; ')}`;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
