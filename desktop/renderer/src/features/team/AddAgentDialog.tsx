import { useState } from 'react';
import type { AgentEntry, Role } from '#shared';
import { useApi } from '../../api/context';
import { Dialog, FormDialog } from '../../ui/Dialog';
import { InputField } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';
import { OneTimePassword } from './OneTimePassword';

/** A new console user: a name and a role; the server makes their first password, shown once. */
export function AddAgentDialog({
  onAdded,
  onClose,
}: {
  onAdded: (agent: AgentEntry) => void;
  onClose: () => void;
}) {
  const api = useApi();
  const request = useRequest();
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [created, setCreated] = useState<{ agent: AgentEntry; password: string } | null>(null);

  async function submit() {
    const ack = await request.run(() => api.request('agent:create', { name: name.trim(), role }));
    if (!ack.ok) return;
    setCreated(ack.data);
    onAdded(ack.data.agent);
  }

  if (created) {
    return (
      <Dialog title={`${created.agent.name} can sign in`} onClose={onClose} close="Done">
        <OneTimePassword name={created.agent.name} password={created.password} />
      </Dialog>
    );
  }
  return (
    <FormDialog
      title="Add an agent"
      onClose={onClose}
      onSubmit={submit}
      submit="Add agent"
      busy={request.busy}
      error={request.error}
    >
      <InputField
        label="Name they sign in with"
        value={name}
        onValue={setName}
        maxLength={80}
        required
        autoComplete="off"
        // Focused on open: the dialog opens to type a name.
        autoFocus
      />
      <fieldset className="role-choice">
        <legend>Role</legend>
        <label>
          <input type="radio" name="role" checked={role === 'agent'} onChange={() => setRole('agent')} />
          <span>
            <strong>Agent</strong>{' '}
            <span className="muted">places and takes calls, sees the roster and history</span>
          </span>
        </label>
        <label>
          <input type="radio" name="role" checked={role === 'admin'} onChange={() => setRole('admin')} />
          <span>
            <strong>Admin</strong>{' '}
            <span className="muted">also manages the team, staff, phones and the directory</span>
          </span>
        </label>
      </fieldset>
    </FormDialog>
  );
}
