import { type Call, declinedBy, type StaffEntry } from '#shared';
import type { ConsoleState } from './store';

/**
 * Pure state changes, one per server event, so the socket wiring stays a list of one-liners and
 * the rules (what an ended call does to the panel, when an offer turns into "taken") live here.
 */

// One collator, not String#localeCompare: with 5,000 staff the sort is most of a snapshot's cost.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
const byName = (a: StaffEntry, b: StaffEntry) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);

export function rosterSnapshot(_s: ConsoleState, staff: StaffEntry[]): Partial<ConsoleState> {
  return { staff: [...staff].sort(byName), rosterLoaded: true };
}

export function rosterChanged(
  s: ConsoleState,
  changed: StaffEntry[],
  removed: string[],
): Partial<ConsoleState> {
  const next = new Map(s.staff.map((e) => [e.id, e]));
  for (const id of removed) next.delete(id);
  for (const entry of changed) next.set(entry.id, entry);
  return { staff: [...next.values()].sort(byName) };
}

/** A call this agent owns, or an offered inbound call that someone took or that ended. */
export function callChanged(s: ConsoleState, call: Call): Partial<ConsoleState> {
  const mine = call.agentId !== null && call.agentId === s.session?.agentId;
  if (!mine) {
    if (!s.offers[call.id]) return {};
    // Declined here, it rings on for the other agents: this console lets it go.
    if (declinedHere(s, call)) return dismissOffer(s, call.id);
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

const declinedHere = (s: ConsoleState, call: Call) =>
  call.state !== 'ended' && s.session !== null && declinedBy(call).has(s.session.agentId);

export function callIncoming(s: ConsoleState, call: Call): Partial<ConsoleState> {
  if (call.state === 'ended' || call.agentId !== null || declinedHere(s, call)) return {};
  return { offers: { ...s.offers, [call.id]: { call, taken: false } } };
}

export function dismissOffer(s: ConsoleState, callId: string): Partial<ConsoleState> {
  const offers = { ...s.offers };
  delete offers[callId];
  return { offers };
}

export function dismissCall(s: ConsoleState, callId: string): Partial<ConsoleState> {
  const calls = { ...s.calls };
  delete calls[callId];
  const live = Object.values(calls).find((c) => c.state !== 'ended');
  return { calls, focusedCallId: s.focusedCallId === callId ? (live?.id ?? null) : s.focusedCallId };
}

/**
 * On reconnect the server re-sends every live offer and own call; offers it does not re-send are
 * gone, so they are cleared before the resync rather than left ringing forever.
 */
export function reconnected(_s: ConsoleState): Partial<ConsoleState> {
  return { offers: {} };
}
