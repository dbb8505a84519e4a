import { useState } from 'react';
import { PASSWORD_MIN_LENGTH } from '#shared';
import { useApi } from '../../api/context';
import { Dialog, FormDialog } from '../../ui/Dialog';
import { InputField } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';

/**
 * Any agent, their own password: the current one, then the new one twice. The server checks the
 * rules (length, the most common passwords) and says what is wrong; this console stays signed in
 * and the agent's other consoles are signed out.
 */
export function ChangePasswordDialog({ reason, onClose }: { reason?: string; onClose: () => void }) {
  const api = useApi();
  const request = useRequest();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);

  async function submit() {
    if (next !== again) {
      request.refuse('The new password and its repeat are not the same.');
      return;
    }
    const ack = await request.run(() => api.request('password:change', { current, next }));
    if (ack.ok) setDone(true);
  }

  if (done) {
    return (
      <Dialog title="Password changed" onClose={onClose} close="Done">
        <p role="status">Your new password works from now on. Your other consoles were signed out.</p>
      </Dialog>
    );
  }
  return (
    <FormDialog
      title="Change your password"
      onClose={onClose}
      onSubmit={submit}
      submit="Change password"
      busy={request.busy}
      error={request.error}
    >
      {reason && <p>{reason}</p>}
      <InputField
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        onValue={setCurrent}
        // Focused on open: the dialog opens to type the password.
        autoFocus
      />
      <InputField
        label="New password"
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a good one; common passwords are refused.`}
        type="password"
        autoComplete="new-password"
        required
        minLength={PASSWORD_MIN_LENGTH}
        value={next}
        onValue={setNext}
      />
      <InputField
        label="New password again"
        type="password"
        autoComplete="new-password"
        required
        value={again}
        onValue={setAgain}
      />
    </FormDialog>
  );
}
