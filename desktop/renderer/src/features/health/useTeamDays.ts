import { type RefObject, useCallback, useEffect, useState } from 'react';
import type { RingPeriod } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { useOnShown } from '../../lib/useOnShown';
import { useConsole } from '../../store/hooks';

/**
 * The team's days over 30 (`health:team`): fetched when the screen mounts and each time it is
 * shown again, and while it is on screen, whenever a phone's record changes.
 */
export function useTeamDays(root: RefObject<HTMLElement | null>) {
  const api = useApi();
  const records = useConsole((s) => s.records);
  const [days, setDays] = useState<RingPeriod[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    void api.request('health:team', {}).then((ack) => {
      if (ack.ok) {
        setDays(ack.data.days);
        setError(null);
      } else setError(refusalText(ack.error));
    });
  }, [api]);
  useOnShown(root, load);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a changed record is the reason to fetch again.
  useEffect(() => {
    // A hidden screen (the shell keeps screens mounted) waits until it is shown.
    if (root.current && root.current.offsetParent === null && days.length > 0) return;
    load();
  }, [load, records]);
  return { days, error };
}
