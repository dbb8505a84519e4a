import { AGENT_STATE_LABELS, type AgentAvailability, type AgentState } from '#shared';
import { formatClock } from '../../lib/time';

/** Each state's badge: Available reads as go, Busy as taken, after-call work as soon, Away as off. */
export const STATE_TONE: Record<AgentState, 'ok' | 'bad' | 'warn' | 'neutral'> = {
  available: 'ok',
  busy: 'bad',
  afterCall: 'warn',
  away: 'neutral',
};

/**
 * The state as shown now: after-call work whose end has passed is Available, whether or not the
 * server has said so yet (the node that would have said so may be gone).
 */
export function shownState(a: AgentAvailability, now: number): { state: AgentState; since: number } {
  if (a.state === 'afterCall' && a.until !== null && a.until <= now)
    return { state: 'available', since: a.until };
  return { state: a.state, since: a.since };
}

/** "Available · 12:04", "After-call work · 0:25 left": the state and how long, in one line. */
export function stateInWords(a: AgentAvailability, now: number): string {
  const { state, since } = shownState(a, now);
  const label = AGENT_STATE_LABELS[state];
  if (state === 'afterCall' && a.until !== null) return `${label} · ${formatClock(a.until - now)} left`;
  return `${label} · ${formatClock(now - since)}`;
}

/** Agents as the presence strip lists them: me first, then by name; signed-out ones last. */
export function presenceOrder(agents: AgentAvailability[], me: string | null): AgentAvailability[] {
  const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
  return [...agents].sort(
    (a, b) =>
      Number(b.agentId === me) - Number(a.agentId === me) ||
      Number(b.online) - Number(a.online) ||
      collator.compare(a.name, b.name),
  );
}
