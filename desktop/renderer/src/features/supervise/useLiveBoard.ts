import { useEffect } from 'react';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';

/**
 * The Live board's calls, loaded on mount and again whenever the server hints that a call became
 * live and answered or ended, or a supervision started, changed or ended (`live:changed`).
 */
export function useLiveBoard() {
  const api = useApi();
  const loaded = useConsole((s) => s.liveBoardLoaded);
  // Hints missed while the socket was away: load again once it is back.
  const connected = useConsole((s) => s.connection.status === 'connected');
  useEffect(() => {
    if (!connected) return;
    const load = () =>
      void api.request('supervise:live', {}).then((ack) => {
        if (ack.ok) loaded(ack.data);
      });
    load();
    return api.onLiveChanged(load);
  }, [api, loaded, connected]);
  return useConsole((s) => s.liveBoard);
}
