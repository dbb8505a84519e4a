import { useState } from 'react';
import { login } from '../../api/http';
import type { Session } from '../../api/session';
import { FormDialog } from '../../ui/Dialog';
import { InputField } from '../../ui/Field';
import { signInRefusal } from './words';

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

  async function submit() {
    setBusy(true);
    const result = await login(serverUrl, agentName, password);
    setBusy(false);
    if (result.ok) onSignedIn(result.session);
    else setError(signInRefusal(result.error, 'That password is not right.'));
  }

  return (
    <FormDialog
      title="Sign in again"
      // Only signing in or out ends it: Escape must not leave a console that cannot reach the server.
      onClose={() => undefined}
      onSubmit={submit}
      submit="Sign in"
      busy={busy}
      error={error}
      secondary={{ label: 'Sign out', onClick: onSignOut }}
    >
      <p>{reason} Sign in again to carry on; everything on screen stays as it is.</p>
      <InputField label="Agent name" value={agentName} readOnly autoComplete="username" />
      <InputField
        label="Password"
        type="password"
        autoComplete="current-password"
        value={password}
        required
        onValue={setPassword}
        // Focused on open: the dialog exists to take the password.
        autoFocus
      />
    </FormDialog>
  );
}
