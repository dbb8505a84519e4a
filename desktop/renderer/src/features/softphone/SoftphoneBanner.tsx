import { useState } from 'react';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { thisPage } from './page';
import { isSoftphone } from './slice';
import './softphone.css';

/** Whether this page rings and carries the agent's call audio (one page per agent does). */
export function useIsSoftphone(): boolean {
  return useConsole((s) => isSoftphone(s, thisPage.id));
}

/**
 * On every page but the softphone: where calls ring and play instead, and the one click that
 * moves them here.
 */
export function SoftphoneBanner() {
  const api = useApi();
  const here = useIsSoftphone();
  const label = useConsole((s) => s.softphone?.label ?? null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (here) return null;
  const take = async () => {
    setBusy(true);
    const ack = await api.request('softphone:take', {});
    setBusy(false);
    if (ack.ok) consoleStore.getState().softphoneChanged(ack.data);
    setProblem(ack.ok ? null : `Could not move calls here: ${ack.error.message}`);
  };
  return (
    <section className="softphone-elsewhere" aria-label="Softphone">
      <p>
        Calls ring and play in another window{label ? ` (${label})` : ''}. This one shows them and their
        controls.
      </p>
      <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void take()}>
        Use this window for calls
      </button>
      {problem && <p role="alert">{problem}</p>}
    </section>
  );
}
