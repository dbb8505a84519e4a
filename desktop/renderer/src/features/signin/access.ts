import { type AgentRequestName, mayRequest, type Role } from '#shared';
import { useConsole } from '../../store/hooks';

/**
 * The signed-in agent's role: the server's latest word (`session:status`, sent on every connect
 * and when an admin changes it), else what the sign-in said. The server checks it again on every
 * request; the console uses it to hide what this agent may not use, not to protect it.
 */
export function useRole(): Role {
  return useConsole((s) => s.me?.role ?? s.session?.role ?? 'agent');
}

/** Whether this agent may send `event` (shared/src/access.ts): what to show, not a safeguard. */
export function useMayRequest(event: AgentRequestName): boolean {
  return mayRequest(useRole(), event);
}
