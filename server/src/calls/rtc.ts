import { ERROR_CODES, partyPhone, type RtcSignal } from '#shared';
import { AppError, forbidden } from '../errors';
import type { LiveCalls } from './live';
import type { Notifier, Party } from './ports';

/**
 * The other party of an answered call, for media (signals, ICE servers), and when it was answered
 * (TURN credentials are timed from it): throws unless `from` is one of the call's two parties, so
 * nobody else can join or learn a call's TURN credentials.
 */
export function rtcPeer(live: LiveCalls, from: Party, callId: string): { peer: Party; answeredAt: number } {
  const call = live.get(callId);
  if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
  const phone = partyPhone(call);
  if (call.agentId === null || phone === null) {
    throw new AppError(ERROR_CODES.INVALID_TRANSITION, 'the call is not answered yet');
  }
  const answeredAt = call.answeredAt ?? call.createdAt;
  if ('agentId' in from) {
    if (from.agentId !== call.agentId) throw forbidden('this call belongs to another agent');
    return { peer: { deviceId: phone }, answeredAt };
  }
  if (from.deviceId !== phone) throw forbidden('this phone is not the party of this call');
  return { peer: { agentId: call.agentId }, answeredAt };
}

/**
 * WebRTC signaling goes only between a call's two parties once it is answered: the agent and the
 * phone that answered (or placed) it. Anyone else gets FORBIDDEN.
 */
export function relaySignal(
  live: LiveCalls,
  notifier: Notifier,
  from: Party,
  callId: string,
  signal: RtcSignal,
): void {
  const { peer } = rtcPeer(live, from, callId);
  const sender = 'agentId' in from ? from.agentId : from.deviceId;
  if ('deviceId' in peer) notifier.toDevice(peer.deviceId, 'rtc:signal', { callId, from: sender, signal });
  else notifier.toSoftphone(peer.agentId, 'rtc:signal', { callId, from: sender, signal });
}
