import { type Call, cancelAccepted, type EndReason, isLive, wasPushed } from '#shared';
import type { CallStore } from '../storage/types';
import { CANCEL_GRACE_MS } from './push-ledger';

/** Calls older than this that ended within the grace are rare enough to leave to the phones' sync. */
const RECOVERY_WINDOW_MS = 12 * 3600_000;

/**
 * The cancels a server that restarted may have lost: phones pushed a call that ended within a
 * cancel's own lifetime, whose cancel APNs never accepted, and which did not end the call itself
 * (a phone that declined or hung up knows; a cancel would only flash).
 */
export async function lostCancels(
  calls: CallStore,
  now: number,
): Promise<{ call: Call; deviceId: string; reason: EndReason }[]> {
  const out = [];
  for (const call of await endedSince(calls, now - RECOVERY_WINDOW_MS)) {
    if (call.endedAt === null || call.endedAt < now - CANCEL_GRACE_MS) continue;
    for (const leg of call.devices) {
      if (!wasPushed(call, leg.deviceId) || cancelAccepted(call, leg.deviceId)) continue;
      const endedItself = call.timeline.some(
        (e) =>
          e.source === 'device' &&
          e.actorId === leg.deviceId &&
          (e.event === 'declined' || e.event === 'hangup'),
      );
      if (endedItself) continue;
      out.push({ call, deviceId: leg.deviceId, reason: leg.endReason ?? call.endReason ?? 'failed' });
    }
  }
  return out;
}

/** Calls created since `from` that have ended, newest first, a page at a time. */
async function endedSince(calls: CallStore, from: number): Promise<Call[]> {
  const out: Call[] = [];
  let cursor: string | undefined;
  do {
    const page = await calls.query({ from }, { limit: 200, cursor });
    out.push(...page.calls.filter((c) => !isLive(c)));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}
