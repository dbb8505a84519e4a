import { type EndReason, isSoftphonePage } from '#shared';
import type { ConsoleSnapshot } from '../../../../preload/contract';
import type { Names } from '../../store/names';
import type { ConsoleState } from '../../store/store';

/** How an offered call ends that makes it "missed" for this agent. */
const MISSED: readonly EndReason[] = ['missed', 'cancelled'];

/**
 * What the main process needs of the console for the tray, notifications and the badge: who is
 * signed in and connected, the agent's live call, the calls ringing here, the ones missed here,
 * and whether this page (`pageId`) is the agent's softphone.
 */
export function consoleSnapshot(s: ConsoleState, names: Names, pageId: string): ConsoleSnapshot {
  const staffName = (staffId: string, fallback: string) => names.staff(staffId)?.name ?? fallback;
  const live = Object.values(s.calls).filter((c) => c.state !== 'ended');
  const call = (s.focusedCallId ? live.find((c) => c.id === s.focusedCallId) : undefined) ?? live[0] ?? null;
  const offers = Object.values(s.offers).sort((a, b) => a.call.createdAt - b.call.createdAt);
  return {
    agent: s.session?.name ?? null,
    connection: s.session ? s.connection.status : 'signed-out',
    call: call && {
      callId: call.id,
      peer: staffName(call.staffId, call.callerName),
      state: call.state,
      muted: call.muted,
    },
    ringing: offers
      .filter((o) => !o.taken && o.call.state !== 'ended')
      .map((o) => ({ callId: o.call.id, caller: staffName(o.call.staffId, o.call.callerName) })),
    rings: isSoftphonePage(s.softphone, pageId),
    missed: offers
      .filter((o) => !o.taken && o.call.state === 'ended' && MISSED.includes(o.call.endReason!))
      .map((o) => ({
        callId: o.call.id,
        caller: staffName(o.call.staffId, o.call.callerName),
        at: o.call.endedAt ?? o.call.createdAt,
      })),
    ...healthNotices(s),
  };
}

/** An admin's health alerts as desktop notifications say them (the banners say the same). */
function healthNotices(s: ConsoleState): Pick<ConsoleSnapshot, 'healthAlerts'> {
  const admin = (s.me?.role ?? s.session?.role) === 'admin';
  if (!admin || s.healthAlerts.length === 0) return {};
  return {
    healthAlerts: s.healthAlerts.map((a) => ({
      deviceId: a.deviceId,
      at: a.at,
      title: `${a.staff}’s ${a.phone}: ${a.label}`,
      body: a.fix,
    })),
  };
}
