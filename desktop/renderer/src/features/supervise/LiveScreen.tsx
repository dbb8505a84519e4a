import type { Call, SuperviseMode } from '#shared';
import { useApi } from '../../api/context';
import { formatClock } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { useNames } from '../../store/names';
import { FormError } from '../../ui/Field';
import { type Column, Table } from '../../ui/Table';
import { useRequest } from '../../ui/useRequest';
import { useLiveBoard } from './useLiveBoard';
import { MODES } from './words';
import './supervise.css';

/**
 * The admins' Live board (issue 26 item 5): every live, answered call of the team, who has it and
 * for how long, who supervises it, and Listen, Coach or Barge.
 */
export function LiveScreen() {
  const api = useApi();
  const board = useLiveBoard();
  const names = useNames();
  const me = useConsole((s) => s.session?.agentId ?? null);
  const agents = useConsole((s) => s.agents);
  const now = useNow(1000, (board?.calls.length ?? 0) > 0);
  const { busy, error, run } = useRequest();
  const agentName = (id: string | null) => (id && agents[id]?.name) || 'an agent';
  const person = (c: Call) => names.staff(c.staffId)?.name ?? c.callerName ?? 'a phone';
  const supervisionOf = (c: Call) => board?.supervisions.find((s) => s.callId === c.id) ?? null;

  const choose = (c: Call, mode: SuperviseMode) => {
    const mine = supervisionOf(c)?.supervisorId === me;
    void run(() => api.request(mine ? 'supervise:mode' : 'supervise:start', { callId: c.id, mode }));
  };

  const columns: Column<Call>[] = [
    { key: 'agent', header: 'Agent', rowHeader: true, cell: (c) => agentName(c.agentId) },
    { key: 'with', header: 'With', cell: person },
    {
      key: 'for',
      header: 'For',
      cell: (c) => formatClock(Math.max(0, now - (c.answeredAt ?? c.createdAt))),
    },
    {
      key: 'supervisor',
      header: 'Supervised by',
      cell: (c) => {
        const s = supervisionOf(c);
        if (!s) return <span className="muted">nobody</span>;
        return `${s.supervisorId === me ? 'you' : s.supervisorName} (${s.mode})`;
      },
    },
    {
      key: 'actions',
      header: 'Supervise',
      hiddenHeader: true,
      cell: (c) => {
        const s = supervisionOf(c);
        const taken = s !== null && s.supervisorId !== me;
        const what = `${agentName(c.agentId)}’s call with ${person(c)}`;
        return (
          <div className="live-actions">
            {MODES.map(({ mode, label, hint }) => (
              <button
                key={mode}
                type="button"
                className={mode === 'barge' ? 'btn btn-sm' : 'btn btn-sm btn-quiet'}
                aria-pressed={s?.supervisorId === me && s.mode === mode}
                disabled={busy || taken || c.agentId === me}
                title={hint}
                onClick={() => choose(c, mode)}
              >
                {label}
                <span className="visually-hidden"> to {what}</span>
              </button>
            ))}
          </div>
        );
      },
    },
  ];

  return (
    <section className="live" aria-labelledby="live-title">
      <header className="live-head">
        <h1 id="live-title">Live calls</h1>
        <span className="muted">
          Agents always see who listens to their call: there is no silent monitoring.
        </span>
      </header>
      <FormError>{error}</FormError>
      <Table
        caption="Live calls of the team"
        columns={columns}
        rows={board?.calls ?? []}
        rowKey={(c) => c.id}
        loading={board === null}
        empty="No call is going on. Answered calls show here while they last."
      />
    </section>
  );
}
