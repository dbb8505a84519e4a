import type { AgentEntry } from '#shared';
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
  agents: AgentEntry[];
  selfId: string | null;
  onAction: (action: AgentAction, agent: AgentEntry) => void;
}) {
  return (
    <div className="team-table-wrap">
      <table className="team-table">
        <caption className="visually-hidden">Agents of this server</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Added</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {agents.map((agent) => {
            const self = agent.id === selfId;
            const state = agentState(agent);
            return (
              <tr key={agent.id} data-agent={agent.name}>
                <th scope="row" className="team-name">
                  {agent.name}
                  {self && <span className="muted"> (you)</span>}
                </th>
                <td>
                  <span className={agent.role === 'admin' ? 'role-tag role-admin' : 'role-tag'}>
                    {roleName(agent.role)}
                  </span>
                </td>
                <td>
                  <span className={`badge badge-${state.tone}`}>{state.text}</span>
                </td>
                <td className="num nowrap muted">
                  <time dateTime={new Date(agent.createdAt).toISOString()}>
                    {addedOn.format(agent.createdAt)}
                  </time>
                </td>
                <td>
                  <div className="team-actions">
                    <Actions agent={agent} self={self} onAction={onAction} />
                  </div>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
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
