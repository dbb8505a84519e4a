import { type FormEvent, useId, useState } from 'react';
import { PASSWORD_MIN_LENGTH } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../../api/refusal';
import { Modal } from '../../ui/Modal';

/**
 * Any agent, their own password: the current one, then the new one twice. The server checks the
 * rules (length, the most common passwords) and says what is wrong; this console stays signed in
 * and the agent's other consoles are signed out.
 */
export function ChangePasswordDialog({ reason, onClose }: { reason?: string; onClose: () => void }) {
  const api = useApi();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const hintId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (next !== again) {
      setError('The new password and its repeat are not the same.');
      return;
    }
    setBusy(true);
    setError(null);
    const ack = await api.request('password:change', { current, next });
    setBusy(false);
    if (ack.ok) setDone(true);
    else setError(refusalText(ack.error));
  }

  if (done) {
    return (
      <Modal title="Password changed" onClose={onClose}>
        <p role="status">Your new password works from now on. Your other consoles were signed out.</p>
        <div className="dialog-actions-inline">
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title="Change your password" onClose={onClose}>
      <form id="password-form" className="dialog-form" onSubmit={submit}>
        {reason && <p>{reason}</p>}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="field">
          <label htmlFor="password-current">Current password</label>
          <input
            id="password-current"
            className="input"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
            // biome-ignore lint/a11y/noAutofocus: the dialog opens to type the password.
            autoFocus
          />
        </div>
        <div className="field">
          <label htmlFor="password-next">New password</label>
          <input
            id="password-next"
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={PASSWORD_MIN_LENGTH}
            aria-describedby={hintId}
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
          <span id={hintId} className="muted field-hint">
            At least {PASSWORD_MIN_LENGTH} characters. A few unrelated words make a good one; common passwords
            are refused.
          </span>
        </div>
        <div className="field">
          <label htmlFor="password-again">New password again</label>
          <input
            id="password-again"
            className="input"
            type="password"
            autoComplete="new-password"
            required
            value={again}
            onChange={(e) => setAgain(e.target.value)}
          />
        </div>
      </form>
      <div className="dialog-actions-inline">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" form="password-form" className="btn btn-primary" disabled={busy}>
          Change password
        </button>
      </div>
    </Modal>
  );
}
