import { ERROR_CODES, liveTransfer, type RtcSignal } from '#shared';
import type { LiveCalls } from '../calls/live';
import type { Notifier } from '../calls/ports';
import { AppError, forbidden } from '../errors';

/**
 * The other console of a warm transfer's consultation, and when it began (TURN credentials are
 * timed from it): throws unless `agentId` is one of the two agents consulting now, so nobody
 * else can join the consultation or learn its TURN credentials.
 */
export function consultPeer(
  live: LiveCalls,
  agentId: string,
  callId: string,
): { peer: string; startedAt: number } {
  const call = live.get(callId);
  if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
  const transfer = liveTransfer(call);
  if (transfer?.state !== 'consulting') {
    throw new AppError(ERROR_CODES.INVALID_TRANSITION, 'no consultation about this call is going on');
  }
  const startedAt = transfer.acceptedAt ?? transfer.startedAt;
  if (agentId === transfer.fromAgentId) return { peer: transfer.toAgentId, startedAt };
  if (agentId === transfer.toAgentId) return { peer: transfer.fromAgentId, startedAt };
  throw forbidden('you are not part of this consultation');
}

/** Consultation signaling goes only between its two consoles, like a call's own (calls/rtc.ts). */
export function relayConsult(
  live: LiveCalls,
  notifier: Notifier,
  agentId: string,
  callId: string,
  signal: RtcSignal,
): void {
  const { peer } = consultPeer(live, agentId, callId);
  notifier.toSoftphone(peer, 'consult:signal', { callId, from: agentId, signal });
}
