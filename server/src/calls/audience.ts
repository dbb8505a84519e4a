import { type Call, declinedBy, type EndReason, isLive, liveTransfer, transfersOf } from '#shared';

/**
 * Who hears a change to a call, and what: the one rule behind every live broadcast and every
 * resync, so that what a console or phone holds after a reconnect is exactly what it would hold
 * had it never been away.
 *
 * Consoles:
 * - a call that belongs to an agent (placed by them, or an inbound call they took) is theirs alone,
 *   in full, with every push attempt;
 * - an inbound call nobody has taken rings the consoles of the agents it was offered to, those
 *   Available when it came in (`call:incoming` when it starts, then `call:changed`), and the change
 *   that takes or ends it still goes to each of them, so the others can say "taken by another
 *   agent" and let it go (a call from before availability has no `offeredTo`: every console);
 * - other agents' calls are not sent: what the roster needs of them (a phone is busy) travels in
 *   `roster:changed`;
 * - a console that declined an inbound call still hears of it but lets it go (`declinedBy`), so a
 *   resync does not offer it again;
 * - the agent a transfer rings or consults hears the call while it does, and the change that ends
 *   the transfer; the agent a transfer took the call from hears that change, then no more.
 *
 * Phones: each phone with a leg in the call hears of it until its leg is over. A leg that ends
 * because of someone else (another phone answered, the caller hung up) is also cancelled, by socket
 * and by VoIP push, since a phone in the background has no socket; the phone that ended its own
 * leg is only told the outcome.
 */
export interface CallChange {
  prev: Call | null;
  next: Call;
  /** The phone whose report caused the change, if any. */
  actorDeviceId: string | null;
  /** A push attempt recorded on the call: consoles show it; phones have no use for it. */
  pushRecord?: boolean;
}

export type AgentDelivery =
  | { to: 'everyone'; event: 'call:incoming' | 'call:changed' }
  | { to: 'agents'; agentIds: string[]; event: 'call:incoming' | 'call:changed' }
  | { to: 'agent'; agentId: string; event: 'call:changed' };

export interface DeviceDelivery {
  deviceId: string;
  /** Set when the phone must end its call screen for this call: the reason to show. */
  cancel: EndReason | null;
}

export interface Delivery {
  agents: AgentDelivery | null;
  /** Other agents told `call:changed`: those a transfer concerns besides the call's agent. */
  transferAgents: string[];
  devices: DeviceDelivery[];
}

/** True while a call is offered to the agents' consoles: inbound and not yet taken by an agent. */
export const isOpenToAllAgents = (call: Pick<Call, 'direction' | 'agentId'>): boolean =>
  call.direction === 'inbound' && call.agentId === null;

/** Whether an inbound call rang this agent's consoles (every agent's, for a call without `offeredTo`). */
export const wasOfferedTo = (call: Pick<Call, 'offeredTo'>, agentId: string): boolean =>
  call.offeredTo === undefined || call.offeredTo.includes(agentId);

function offeredAudience(call: Call, event: 'call:incoming' | 'call:changed'): AgentDelivery {
  return call.offeredTo === undefined
    ? { to: 'everyone', event }
    : { to: 'agents', agentIds: call.offeredTo, event };
}

export function audience({ prev, next, actorDeviceId, pushRecord = false }: CallChange): Delivery {
  const agents = agentDelivery(prev, next);
  return {
    agents,
    transferAgents: pushRecord ? [] : transferAudience(prev, next, agents),
    devices: pushRecord ? [] : next.devices.flatMap((leg) => deviceDelivery(prev, next, leg, actorDeviceId)),
  };
}

function agentDelivery(prev: Call | null, next: Call): AgentDelivery | null {
  if (prev === null && isOpenToAllAgents(next)) {
    // A call that never rang (no agent Available) is only history; nobody is offered it.
    return isLive(next) ? offeredAudience(next, 'call:incoming') : null;
  }
  if (isOpenToAllAgents(prev ?? next)) return offeredAudience(prev ?? next, 'call:changed');
  return next.agentId === null ? null : { to: 'agent', agentId: next.agentId, event: 'call:changed' };
}

function transferAudience(prev: Call | null, next: Call, agents: AgentDelivery | null): string[] {
  // An inbound call nobody took yet has no transfer: its audience is the agents it rings.
  if (agents && agents.to !== 'agent') return [];
  const ids = new Set<string>();
  for (const t of [prev && liveTransfer(prev), liveTransfer(next)]) if (t) ids.add(t.toAgentId);
  if (prev?.agentId) ids.add(prev.agentId);
  if (agents) ids.delete(agents.agentId);
  return [...ids];
}

function deviceDelivery(
  prev: Call | null,
  next: Call,
  leg: Call['devices'][number],
  actorDeviceId: string | null,
): DeviceDelivery[] {
  const before = prev?.devices.find((l) => l.deviceId === leg.deviceId);
  if (before?.state === 'ended') return [];
  if (prev === null && leg.state === 'ended') return []; // never rung: unreachable from the start
  const endedNow = before !== undefined && leg.state === 'ended';
  if (!endedNow || leg.deviceId === actorDeviceId) return [{ deviceId: leg.deviceId, cancel: null }];
  return [{ deviceId: leg.deviceId, cancel: leg.endReason ?? next.endReason ?? 'failed' }];
}

/**
 * What a console is sent when it (re)connects: the live calls it would be holding had it never
 * been away, each with the event that would have brought it.
 */
export function consoleResync(
  agentId: string,
  live: Iterable<Call>,
): { event: AgentDelivery['event']; call: Call }[] {
  const out: { event: AgentDelivery['event']; call: Call }[] = [];
  for (const call of live) {
    if (!isLive(call)) continue;
    if (isOpenToAllAgents(call)) {
      // A console that declined it lets it go; the others still ring.
      if (wasOfferedTo(call, agentId) && !declinedBy(call).has(agentId)) {
        out.push({ event: 'call:incoming', call });
      }
    } else if (call.agentId === agentId || liveTransfer(call)?.toAgentId === agentId) {
      out.push({ event: 'call:changed', call });
    }
  }
  return out;
}

/** Whether a console may learn how a call it asks about (`call:sync`) went. */
export function agentMaySee(agentId: string, call: Call): boolean {
  // Each console an inbound call was offered to may learn who took it and how it ended; the
  // agents of a transfer learn how the call they were asked to take, or handed on, went.
  if (call.agentId === agentId || (call.direction === 'inbound' && wasOfferedTo(call, agentId))) return true;
  return transfersOf(call).some((t) => t.toAgentId === agentId || t.fromAgentId === agentId);
}
