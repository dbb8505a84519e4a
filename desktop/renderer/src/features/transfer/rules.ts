import { type Call, liveTransfer, transfersOf } from '#shared';
import type { TransfersData } from './slice';

/**
 * What a call change does to this console's transfers, as pure functions of what is shown and who
 * this agent is: a transfer offered here (ringing, or consulting with the first agent), and a call
 * this agent handed on (a notice, once, after the call left the call panel).
 */
export function transferSeen(s: TransfersData, agentId: string | null, call: Call): Partial<TransfersData> {
  if (agentId === null) return {};
  const live = call.state === 'ended' ? null : liveTransfer(call);
  const offers = { ...s.transferOffers };
  if (live?.toAgentId === agentId) offers[call.id] = call;
  else delete offers[call.id];
  const last = transfersOf(call).at(-1);
  const handedOn = last?.state === 'completed' && last.fromAgentId === agentId && call.agentId !== agentId;
  const handed = handedOn && !s.handedOver[call.id] ? { ...s.handedOver, [call.id]: call } : s.handedOver;
  return { transferOffers: offers, handedOver: handed };
}

export function dismissHandedOver(s: TransfersData, callId: string): Partial<TransfersData> {
  const handedOver = { ...s.handedOver };
  delete handedOver[callId];
  return { handedOver };
}

/** The consultation this agent is part of now, and on which side (the first agent offers). */
export function consultation(
  calls: Iterable<Call>,
  agentId: string | null,
): { call: Call; side: 'offerer' | 'answerer'; peerName: string } | null {
  for (const call of calls) {
    const live = call.state === 'ended' ? null : liveTransfer(call);
    if (live?.state !== 'consulting' || agentId === null) continue;
    if (live.fromAgentId === agentId) return { call, side: 'offerer', peerName: live.toName };
    if (live.toAgentId === agentId) return { call, side: 'answerer', peerName: live.fromName };
  }
  return null;
}
