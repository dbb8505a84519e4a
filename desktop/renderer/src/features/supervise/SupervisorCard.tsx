import { useStore } from 'zustand';
import type { SuperviseMode } from '#shared';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { useNames } from '../../store/names';
import { FormError } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';
import { legsStore } from './legs';
import { mySupervision } from './slice';
import { ENDED, legText, MODES, supervisingText } from './words';

/**
 * The supervisor's card in the dock: whose call they supervise and how, the mode to switch to,
 * Stop; and, once it ended by itself (the call ended, was transferred), why.
 */
export function SupervisorCard() {
  const api = useApi();
  const names = useNames();
  const me = useConsole((s) => s.session?.agentId ?? null);
  const supervision = useConsole((s) => mySupervision(s, me));
  const ended = useConsole((s) => s.supervisionEnded);
  const dismiss = useConsole((s) => s.supervisionNoticeDismissed);
  const board = useConsole((s) => s.liveBoard);
  const agents = useConsole((s) => s.agents);
  const phase = useStore(legsStore, (s) => s.supervisor);
  const { busy, error, run } = useRequest();

  if (!supervision) {
    if (!ended) return null;
    return (
      <section className="supervise-card" aria-label="Supervision ended">
        <p role="status">Supervision ended. {ENDED[ended.reason]}</p>
        <button type="button" className="btn btn-sm btn-quiet" onClick={dismiss}>
          Dismiss
        </button>
      </section>
    );
  }
  const call = board?.calls.find((c) => c.id === supervision.callId);
  const agent = agents[supervision.agentId]?.name ?? 'the agent';
  const person = (call && (names.staff(call.staffId)?.name ?? call.callerName)) || 'a phone';
  const change = (mode: SuperviseMode) =>
    void run(() => api.request('supervise:mode', { callId: supervision.callId, mode }));

  return (
    <article className="supervise-card" aria-label={`Supervising ${agent}’s call`}>
      <p className="supervise-title" role="status">
        {supervisingText(supervision.mode, agent, person)}
      </p>
      <p className="muted" data-testid="supervise-state">
        {legText(phase)}
      </p>
      <fieldset className="supervise-modes">
        <legend className="visually-hidden">How you take part</legend>
        {MODES.map(({ mode, label, hint }) => (
          <label key={mode} className="supervise-mode">
            <input
              type="radio"
              name="supervise-mode"
              checked={supervision.mode === mode}
              disabled={busy}
              onChange={() => change(mode)}
            />
            <span>
              {label} <span className="muted">— {hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <FormError>{error}</FormError>
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={() => void run(() => api.request('supervise:stop', { callId: supervision.callId }))}
      >
        Stop supervising
      </button>
    </article>
  );
}
