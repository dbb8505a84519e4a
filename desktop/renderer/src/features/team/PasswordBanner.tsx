import { useState } from 'react';
import { useConsole } from '../../store/hooks';
import { ChangePasswordDialog } from './ChangePasswordDialog';

/** An admin set this agent's password (new agent, reset): until they choose their own, say so. */
export function PasswordBanner() {
  const temporary = useConsole((s) => s.me?.temporaryPassword ?? false);
  const [open, setOpen] = useState(false);
  if (!temporary && !open) return null;
  return (
    <>
      {temporary && (
        <div className="banner banner-warn" role="note" aria-label="Your password">
          <strong>An admin set your password.</strong> <span>Choose one only you know. </span>
          <button type="button" className="btn btn-sm" onClick={() => setOpen(true)}>
            Choose a password
          </button>
        </div>
      )}
      {open && <ChangePasswordDialog onClose={() => setOpen(false)} />}
    </>
  );
}
