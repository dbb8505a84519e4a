import { type FormEvent, useId, useState } from 'react';
import { login } from '../../api/http';
import type { Session } from '../../api/session';
import { useConsole } from '../../store/hooks';
import { FormError, InputField } from '../../ui/Field';
import { signInRefusal } from './words';
import './signin.css';

/** Agent name and password; the session then lives in sessionStorage until sign-out or expiry. */
export function SignInScreen({
  serverUrl,
  onSignedIn,
}: {
  serverUrl: string;
  onSignedIn: (session: Session) => void;
}) {
  const reason = useConsole((s) => s.signOutReason);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorId = useId();

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const result = await login(serverUrl, name.trim(), password);
    setBusy(false);
    if (result.ok) onSignedIn(result.session);
    else
      setError(
        signInRefusal(
          result.error,
          'That name and password do not match an agent on this server.',
          serverUrl,
        ),
      );
  }

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={submit} aria-describedby={error ? errorId : undefined}>
        <div className="signin-brand">
          <span className="signin-logo" aria-hidden="true" />
          <h1>Switchboard</h1>
        </div>
        <p className="muted">Sign in to call your staff and take their calls.</p>
        {reason && !error && <p className="form-error">{reason}</p>}
        <FormError id={errorId}>{error}</FormError>
        <InputField
          label="Agent name"
          autoComplete="username"
          value={name}
          onValue={setName}
          required
          // Focused on open: the only thing to do on this screen is type a name.
          autoFocus
        />
        <InputField
          label="Password"
          type="password"
          autoComplete="current-password"
          value={password}
          onValue={setPassword}
          required
        />
        <button className="btn btn-primary" type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted signin-server">
          Server <span className="mono">{serverUrl}</span>
        </p>
      </form>
    </main>
  );
}
