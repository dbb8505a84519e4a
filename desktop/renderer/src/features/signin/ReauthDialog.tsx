import { type FormEvent, useState } from 'react';
import { login } from '../../api/http';
import type { Session } from '../../api/session';
import { Modal } from '../../ui/Modal';

/**
 * Sign in again without leaving the console: consoles stay open all day and sessions expire (or a
 * restarted server forgets them), and a half-typed form or a call's timeline must survive that.
 */
export function ReauthDialog({
  serverUrl,
  agentName,
  reason,
  onSignedIn,
  onSignOut,
}: {
  serverUrl: string;
  agentName: string;
  reason: string;
  onSignedIn: (session: Session) => void;
  onSignOut: () => void;
}) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    const result = await login(serverUrl, agentName, password);
    setBusy(false);
    if (result.ok) onSignedIn(result.session);
    else
      setError(
        result.error.code === 'UNAUTHORIZED'
          ? 'That password is not right.'
          : result.error.code === 'UNAVAILABLE'
            ? 'The server cannot be reached. Try again in a moment.'
            : result.error.message,
      );
  }

  return (
    <Modal title="Sign in again" onClose={() => undefined}>
      <form id="reauth-form" className="dialog-form" onSubmit={submit}>
        <p>{reason} Sign in again to carry on; everything on screen stays as it is.</p>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="reauth-name">Agent name</label>
          <input id="reauth-name" className="input" value={agentName} readOnly autoComplete="username" />
        </div>
        <div className="field">
          <label htmlFor="reauth-password">Password</label>
          <input
            id="reauth-password"
            className="input"
            type="password"
            autoComplete="current-password"
            value={password}
            required
            onChange={(e) => setPassword(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the dialog exists to take the password.
            autoFocus
          />
        </div>
      </form>
      <div className="dialog-actions-inline">
        <button type="button" className="btn btn-quiet" onClick={onSignOut}>
          Sign out
        </button>
        <button type="submit" form="reauth-form" className="btn btn-primary" disabled={busy}>
          Sign in
        </button>
      </div>
    </Modal>
  );
}
