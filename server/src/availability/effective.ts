import { type AgentState, type Call, isLive, liveTransfer } from '#shared';
import type { AvailabilityRow } from '../storage/types';

export interface Effective {
  state: AgentState;
  since: number;
  until: number | null;
}

/** The agent consulting on a warm transfer of this call (talking with its agent), if any. */
export function consultingAgent(call: Call): string | null {
  const t = liveTransfer(call);
  return t?.state === 'consulting' ? t.toAgentId : null;
}

/**
 * Since when the agent is in a call, or null: the earliest live call that is theirs (placed by
 * them, or an inbound one they took: from when it was answered, or placed while it rings), or
 * whose warm transfer they are consulting on (from when they accepted it).
 */
export function inCallSince(agentId: string, live: Iterable<Call>): number | null {
  let since: number | null = null;
  for (const call of live) {
    if (!isLive(call)) continue;
    let at: number | null = null;
    if (call.agentId === agentId) at = call.answeredAt ?? call.createdAt;
    else if (consultingAgent(call) === agentId) at = liveTransfer(call)?.acceptedAt ?? call.createdAt;
    if (at !== null) since = since === null ? at : Math.min(since, at);
  }
  return since;
}

/**
 * An agent's availability as everyone sees it: Busy while in a call (never earlier than the last
 * stored change, so a console can keep the newest entry by `since`); after-call work until its
 * end, then Available from that moment even if no timer has said so yet (the node that set it may
 * have died); otherwise what is stored.
 */
export function effective(row: AvailabilityRow, busySince: number | null, now: number): Effective {
  if (busySince !== null) return { state: 'busy', since: Math.max(busySince, row.since), until: null };
  if (row.state === 'afterCall') {
    const until = row.until ?? row.since;
    return until > now
      ? { state: 'afterCall', since: row.since, until }
      : { state: 'available', since: until, until: null };
  }
  return { state: row.state, since: row.since, until: null };
}
