import { type Call, type PushRecord, rejectReasonOf, wasPushed } from '#shared';
import type { RingLeg } from '../storage/types';

/** Timeline events by which a phone proves it rang: it reported the call, or acted on it. */
const RANG = new Set(['reported', 'answered', 'declined']);

/**
 * What became of each phone an ended outbound call rang, read from the call itself (its timeline
 * and its push records), so that whichever node stores the call's end counts it, exactly once:
 *
 * - its push: APNs' last answer on its call push. A push still being retried when the phone's part
 *   ended was neither taken nor refused, and is not counted, unless its retries ran to the ring
 *   deadline (the call ended missed): then APNs' last refusal is the answer.
 * - rang: the phone reported ringing (or answered, or declined); the latency runs from when it was
 *   asked to ring (its push went out, or the call was placed) to the report, on the server's clock.
 * - notRung: it was pushed, APNs did not refuse the push, it never rang, and either the ring
 *   deadline passed or its part of the call lasted at least `notRungAfterMs`.
 *
 * A phone of which the call says nothing (rung over its socket only, or stopped sooner: answered
 * elsewhere, cancelled within a second) is left out.
 */
export function legOutcomes(call: Call, notRungAfterMs: number): RingLeg[] {
  if (call.direction !== 'outbound' || call.endedAt === null) return [];
  const legs: RingLeg[] = [];
  for (const { deviceId } of call.devices) {
    const asked =
      call.timeline.find((e) => e.event === 'push:sending' && e.actorId === deviceId)?.at ?? call.createdAt;
    const push = lastWord(call, deviceId);
    const base = { deviceId, at: asked, push, latencyMs: null, rangAt: null, answered: false };
    const rang = call.timeline.find(
      (e) => RANG.has(e.event) && e.source === 'device' && e.actorId === deviceId,
    );
    if (rang) {
      legs.push({
        ...base,
        outcome: 'rang',
        latencyMs: Math.max(0, rang.at - asked),
        rangAt: rang.at,
        answered: call.answeredByDeviceId === deviceId,
      });
      continue;
    }
    const refused = push !== null && push.reason !== null;
    const lasted = legEnd(call, deviceId) - asked;
    const waitedEnough = call.endReason === 'missed' || lasted >= notRungAfterMs;
    const notRung = wasPushed(call, deviceId) && !refused && waitedEnough;
    if (notRung) legs.push({ ...base, outcome: 'notRung' });
    else if (push) legs.push({ ...base, outcome: null });
  }
  return legs;
}

/** APNs' last answer on the phone's call push, as the record counts it; null when none is final. */
function lastWord(call: Call, deviceId: string): RingLeg['push'] {
  let last: PushRecord | null = null;
  for (const p of call.pushes) {
    if (p.deviceId === deviceId && p.kind === 'call' && (last === null || p.at >= last.at)) last = p;
  }
  if (!last) return null;
  if (last.outcome === 'retryable' && call.endReason !== 'missed') return null;
  return { at: last.at, reason: rejectReasonOf(last) };
}

/** When the phone's part of the call stopped: another phone answered, or the call ended. */
function legEnd(call: Call, deviceId: string): number {
  const leg = call.devices.find((l) => l.deviceId === deviceId);
  if (leg?.endReason === 'answeredElsewhere' && call.answeredAt !== null) return call.answeredAt;
  const own = call.timeline.find((e) => e.event === 'unreachable' && e.actorId === deviceId);
  return own?.at ?? call.endedAt ?? call.createdAt;
}
