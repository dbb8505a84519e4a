import type { AgentEntry } from '#shared';
import { type Column, Table } from '../../ui/Table';
import { agentState, roleName } from './words';

/** When an agent was added: the day is enough. */
const addedOn = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export type AgentAction = 'role' | 'reset' | 'disable' | 'enable' | 'remove';

/**
 * The team, one row per agent: role, whether they are signed in, and what an admin can do to
 * them. Your own row offers none of the actions that would lock you out (the server refuses them
 * too); you change your own password from the top bar.
 */
export function AgentsTable({
  agents,
  selfId,
  onAction,
}: {
  /** Null until the server answered. */
  agents: AgentEntry[] | null;
  selfId: string | null;
  onAction: (action: AgentAction, agent: AgentEntry) => void;
}) {
  const columns: Column<AgentEntry>[] = [
    {
      key: 'name',
      header: 'Name',
      rowHeader: true,
      className: 'team-name',
      cell: (agent) => (
        <>
          {agent.name}
          {agent.id === selfId && <span className="muted"> (you)</span>}
        </>
      ),
    },
    {
      key: 'role',
      header: 'Role',
      cell: (agent) => (
        <span className={agent.role === 'admin' ? 'role-tag role-admin' : 'role-tag'}>
          {roleName(agent.role)}
        </span>
      ),
    },
    {
      key: 'status',
      header: 'Status',
      cell: (agent) => {
        const state = agentState(agent);
        return <span className={`badge badge-${state.tone}`}>{state.text}</span>;
      },
    },
    {
      key: 'added',
      header: 'Added',
      className: 'num nowrap muted',
      cell: (agent) => (
        <time dateTime={new Date(agent.createdAt).toISOString()}>{addedOn.format(agent.createdAt)}</time>
      ),
    },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      cell: (agent) => (
        <div className="team-actions">
          <Actions agent={agent} self={agent.id === selfId} onAction={onAction} />
        </div>
      ),
    },
  ];
  return (
    <Table
      caption="Agents of this server"
      columns={columns}
      rows={agents ?? []}
      rowKey={(agent) => agent.id}
      rowProps={(agent) => ({ 'data-agent': agent.name })}
      loading={agents === null}
      loadingText="Loading the team…"
    />
  );
}

function Actions({
  agent,
  self,
  onAction,
}: {
  agent: AgentEntry;
  self: boolean;
  onAction: (action: AgentAction, agent: AgentEntry) => void;
}) {
  const button = (action: AgentAction, label: string, quiet = true) => (
    <button
      type="button"
      className={quiet ? 'btn btn-quiet btn-sm' : 'btn btn-sm'}
      aria-label={`${label}: ${agent.name}`}
      onClick={() => onAction(action, agent)}
    >
      {label}
    </button>
  );
  return (
    <>
      {button('role', agent.role === 'admin' ? 'Make agent' : 'Make admin', false)}
      {!self && button('reset', 'Reset password')}
      {!self && (agent.disabledAt === null ? button('disable', 'Disable') : button('enable', 'Enable'))}
      {!self && button('remove', 'Remove')}
    </>
  );
}
