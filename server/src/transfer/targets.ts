import { type Call, liveTransfer } from '#shared';

/**
 * Who a call may be handed to: the one rule, used by the picker's list (`transfer:targets`) and
 * checked again when a transfer starts. An agent is offered when their console is connected, they
 * are not the one transferring, they are in no call and no other transfer rings or consults them,
 * and their availability says they take calls.
 */
export interface TargetView {
  onlineAgentIds(): string[];
  liveCalls(): Call[];
  /** The agent's availability allows offering them calls (the desk's Available). */
  available(agentId: string): boolean;
}

/** The agent has a call, or a transfer rings or consults them. */
export function engaged(agentId: string, calls: Call[]): boolean {
  return calls.some((call) => call.agentId === agentId || liveTransfer(call)?.toAgentId === agentId);
}

export function mayBeOffered(agentId: string, fromAgentId: string, view: TargetView): boolean {
  return (
    agentId !== fromAgentId &&
    view.onlineAgentIds().includes(agentId) &&
    !engaged(agentId, view.liveCalls()) &&
    view.available(agentId)
  );
}

/** The agents a call can be handed to now, in the order presence lists them. */
export function offerable(fromAgentId: string, view: TargetView): string[] {
  return [...new Set(view.onlineAgentIds())].filter((id) => mayBeOffered(id, fromAgentId, view));
}
