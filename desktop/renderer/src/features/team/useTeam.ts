import { useCallback, useEffect, useState } from 'react';
import type { AgentEntry } from '#shared';
import type { ConsoleApi } from '../../api/context';
import { refusalText } from '../../api/refusal';

/**
 * Hints that arrive within this long of the first cause one `team:get`: a burst of consoles
 * coming online (a shift starting, the server restarting) is one refetch, not one each.
 */
export const TEAM_CHANGED_DEBOUNCE_MS = 250;

/**
 * The team as `team:get` gives it: loaded on mount, on `reload` (after each change made here), and
 * whenever the server hints that the team changed (another admin, an agent's own password, a
 * console coming or going).
 */
export function useTeam(api: ConsoleApi) {
  const [agents, setAgents] = useState<AgentEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    const ack = await api.request('team:get', {});
    if (ack.ok) {
      setAgents(ack.data.agents);
      setError(null);
    } else setError(refusalText(ack.error));
  }, [api]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = api.onTeamChanged(() => {
      // The first hint starts the wait and later ones join it, rather than pushing it back: a
      // steady stream of hints still refreshes the table every quarter second.
      if (timer) return;
      timer = setTimeout(() => {
        timer = null;
        void reload();
      }, TEAM_CHANGED_DEBOUNCE_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [api, reload]);
  return { agents, error, reload };
}
