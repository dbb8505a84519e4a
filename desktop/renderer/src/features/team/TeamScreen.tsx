import { useRef, useState } from 'react';
import type { AgentEntry } from '#shared';
import { useApi } from '../../api/context';
import { useOnShown } from '../../lib/useOnShown';
import { useConsole } from '../../store/hooks';
import { FormError } from '../../ui/Field';
import { VideoSettingsCard } from '../video';
import { DispositionsEditor } from '../wrapup';
import { AddAgentDialog } from './AddAgentDialog';
import { AgentDialog } from './AgentDialog';
import { type AgentAction, AgentsTable } from './AgentsTable';
import { AuditView } from './AuditView';
import { useTeam } from './useTeam';
import './team.css';

const TABS = [
  { id: 'agents', label: 'Agents' },
  { id: 'dispositions', label: 'Dispositions' },
  { id: 'audit', label: 'Audit trail' },
] as const;
type Tab = (typeof TABS)[number]['id'];

/** Admins only (the shell hides it from agents): the agents, the dispositions, the audit trail. */
export function TeamScreen() {
  const api = useApi();
  const selfId = useConsole((s) => s.session?.agentId ?? null);
  const [tab, showTab] = useState<Tab>('agents');
  const [adding, setAdding] = useState(false);
  const [acting, setActing] = useState<{ action: AgentAction; agent: AgentEntry } | null>(null);
  const team = useTeam(api);
  const root = useRef<HTMLElement>(null);
  useOnShown(root, () => void team.reload());
  // Back on the agents: who is online now, and what another admin changed meanwhile.
  const setTab = (t: Tab) => {
    if (t === 'agents' && tab !== 'agents') void team.reload();
    showTab(t);
  };

  return (
    <section className="team" ref={root} aria-labelledby="team-title">
      <header className="team-head">
        <h1 id="team-title">Team</h1>
        <div className="team-tabs" role="tablist" aria-label="Team">
          {TABS.map(({ id: t, label }, i) => (
            <button
              key={t}
              type="button"
              role="tab"
              id={`team-tab-${t}`}
              aria-selected={tab === t}
              aria-controls={`team-panel-${t}`}
              tabIndex={tab === t ? 0 : -1}
              className="team-tab"
              onClick={() => setTab(t)}
              onKeyDown={(e) => {
                if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                  const step = e.key === 'ArrowRight' ? 1 : TABS.length - 1;
                  const other = TABS[(i + step) % TABS.length]!.id;
                  setTab(other);
                  document.getElementById(`team-tab-${other}`)?.focus();
                }
              }}
            >
              {label}
            </button>
          ))}
        </div>
        {tab === 'agents' && (
          <button type="button" className="btn btn-primary team-add" onClick={() => setAdding(true)}>
            Add agent
          </button>
        )}
      </header>

      <div id="team-panel-agents" role="tabpanel" aria-labelledby="team-tab-agents" hidden={tab !== 'agents'}>
        <FormError>{team.error}</FormError>
        <AgentsTable
          agents={team.agents}
          selfId={selfId}
          onAction={(action, agent) => setActing({ action, agent })}
        />
      </div>
      <div
        id="team-panel-dispositions"
        role="tabpanel"
        aria-labelledby="team-tab-dispositions"
        hidden={tab !== 'dispositions'}
      >
        <DispositionsEditor />
        <VideoSettingsCard />
      </div>
      <div id="team-panel-audit" role="tabpanel" aria-labelledby="team-tab-audit" hidden={tab !== 'audit'}>
        <AuditView />
      </div>

      {adding && <AddAgentDialog onAdded={() => void team.reload()} onClose={() => setAdding(false)} />}
      {acting && (
        <AgentDialog
          action={acting.action}
          agent={acting.agent}
          onChanged={() => void team.reload()}
          onClose={() => setActing(null)}
        />
      )}
    </section>
  );
}
