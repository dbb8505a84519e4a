import { useCallback, useEffect, useState } from 'react';
import type { AgentEntry } from '#shared';
import type { ConsoleApi } from '../../api/context';
import { refusalText } from './words';

/** The team as `team:get` gives it, loaded on mount and again on `reload` (after each change). */
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
  return { agents, error, reload };
}
