import { type FormEvent, useState } from 'react';
import type { AgentEntry, Role } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { Modal } from '../../ui/Modal';
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
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('agent');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ agent: AgentEntry; password: string } | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const ack = await api.request('agent:create', { name: name.trim(), role });
    setBusy(false);
    if (!ack.ok) {
      setError(refusalText(ack.error));
      return;
    }
    setCreated(ack.data);
    onAdded(ack.data.agent);
  }

  if (created) {
    return (
      <Modal title={`${created.agent.name} can sign in`} onClose={onClose}>
        <OneTimePassword name={created.agent.name} password={created.password} />
        <div className="dialog-actions-inline">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title="Add an agent" onClose={onClose}>
      <form id="add-agent-form" className="dialog-form" onSubmit={submit}>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="add-agent-name">Name they sign in with</label>
          <input
            id="add-agent-name"
            className="input"
            value={name}
            maxLength={80}
            required
            autoComplete="off"
            onChange={(e) => setName(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the dialog opens to type a name.
            autoFocus
          />
        </div>
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
      </form>
      <div className="dialog-actions-inline">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" form="add-agent-form" className="btn btn-primary" disabled={busy}>
          Add agent
        </button>
      </div>
    </Modal>
  );
}
