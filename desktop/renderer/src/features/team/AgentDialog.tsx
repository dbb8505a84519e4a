import { useState } from 'react';
import type { AgentEntry } from '#shared';
import { useApi } from '../../api/context';
import { Confirm } from '../../ui/Confirm';
import { Dialog } from '../../ui/Dialog';
import type { AgentAction } from './AgentsTable';
import { OneTimePassword } from './OneTimePassword';

/** One change to one agent, asked first: each signs them out or changes what they can do. */
export function AgentDialog({
  action,
  agent,
  onChanged,
  onClose,
}: {
  action: AgentAction;
  agent: AgentEntry;
  onChanged: () => void;
  onClose: () => void;
}) {
  const api = useApi();
  const [password, setPassword] = useState<string | null>(null);
  const name = agent.name;
  const done = () => {
    onChanged();
    onClose();
  };

  if (password !== null) {
    return (
      <Dialog title={`New password for ${name}`} onClose={onClose} close="Done">
        <OneTimePassword name={name} password={password} />
      </Dialog>
    );
  }
  switch (action) {
    case 'role': {
      const role = agent.role === 'admin' ? 'agent' : 'admin';
      return (
        <Confirm
          title={role === 'admin' ? `Make ${name} an admin?` : `Make ${name} an agent?`}
          confirm={role === 'admin' ? 'Make admin' : 'Make agent'}
          run={() => api.request('agent:update', { agentId: agent.id, role })}
          onDone={done}
          onClose={onClose}
        >
          <p>
            {role === 'admin'
              ? `${name} will manage the team, staff, phones and the caller-ID directory, as you do.`
              : `${name} will place and take calls and see the roster and history, but no longer manage the team, staff, phones or the directory.`}{' '}
            Their open consoles change at once.
          </p>
        </Confirm>
      );
    }
    case 'reset':
      return (
        <Confirm
          title={`Reset ${name}'s password?`}
          confirm="Reset password"
          run={() => api.request('password:reset', { agentId: agent.id })}
          onDone={(data) => {
            onChanged();
            setPassword(data.password);
          }}
          onClose={onClose}
        >
          <p>
            {name} is signed out everywhere at once. You get a new password to give them, shown once; they
            choose their own when they sign in.
          </p>
        </Confirm>
      );
    case 'disable':
    case 'enable':
      return (
        <Confirm
          title={action === 'disable' ? `Disable ${name}?` : `Enable ${name}?`}
          confirm={action === 'disable' ? 'Disable' : 'Enable'}
          danger={action === 'disable'}
          run={() => api.request('agent:update', { agentId: agent.id, disabled: action === 'disable' })}
          onDone={done}
          onClose={onClose}
        >
          <p>
            {action === 'disable'
              ? `${name} is signed out at once, open consoles included, and cannot sign in until an admin enables them again.`
              : `${name} can sign in again with their password.`}
          </p>
        </Confirm>
      );
    case 'remove':
      return (
        <Confirm
          title={`Remove ${name}?`}
          confirm={`Remove ${name}`}
          danger
          run={() => api.request('agent:remove', { agentId: agent.id })}
          onDone={done}
          onClose={onClose}
        >
          <p>
            {name} is signed out at once, open consoles included, and can no longer sign in. Their calls stay
            in the history and the audit trail.
          </p>
        </Confirm>
      );
  }
}
