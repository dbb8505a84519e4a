import { type Call, declinedBy } from '#shared';
import type { CallsData } from './slice';

/**
 * What each server event does to the calls on screen, as pure functions of what is shown and who
 * this agent is: what an ended call does to the panel, when an offer turns into "taken".
 */

/**
 * A call this agent owns, an offered inbound call that someone took or that ended, or a call of
 * this agent's that a transfer gave to another.
 */
export function callChanged(s: CallsData, agentId: string | null, call: Call): Partial<CallsData> {
  const mine = call.agentId !== null && call.agentId === agentId;
  if (!mine) {
    // Handed to another agent (a transfer): it leaves the panel, and the transfer feature says where.
    if (s.calls[call.id] && call.agentId !== null) return dismissCall(s, call.id);
    if (!s.offers[call.id]) return {};
    // Declined here, it rings on for the other agents: this console lets it go.
    if (declinedHere(agentId, call)) return dismissOffer(s, call.id);
    return { offers: { ...s.offers, [call.id]: { call, taken: call.agentId !== null } } };
  }
  const offers = { ...s.offers };
  delete offers[call.id];
  const focus = s.focusedCallId;
  // A live call keeps the panel; a new or updated call takes it only when nothing live holds it.
  const keepFocus = focus !== null && focus !== call.id && s.calls[focus]?.state !== 'ended';
  return {
    offers,
    calls: { ...s.calls, [call.id]: call },
    focusedCallId: keepFocus ? focus : call.id,
  };
}

const declinedHere = (agentId: string | null, call: Call) =>
  call.state !== 'ended' && agentId !== null && declinedBy(call).has(agentId);

export function callIncoming(s: CallsData, agentId: string | null, call: Call): Partial<CallsData> {
  if (call.state === 'ended' || call.agentId !== null || declinedHere(agentId, call)) return {};
  return { offers: { ...s.offers, [call.id]: { call, taken: false } } };
}

export function dismissOffer(s: CallsData, callId: string): Partial<CallsData> {
  const offers = { ...s.offers };
  delete offers[callId];
  return { offers };
}

export function dismissCall(s: CallsData, callId: string): Partial<CallsData> {
  const calls = { ...s.calls };
  delete calls[callId];
  const live = Object.values(calls).find((c) => c.state !== 'ended');
  return { calls, focusedCallId: s.focusedCallId === callId ? (live?.id ?? null) : s.focusedCallId };
}
