import { useState } from 'react';
import type { Role } from '#shared';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { roleName } from './words';

/** The signed-in agent in the top bar: their name and role; choosing it changes their password. */
export function AccountButton({ name, role }: { name: string; role: Role }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="btn btn-quiet btn-sm account"
        title="Signed in as; choose to change your password"
        aria-label={`Signed in as ${name} (${roleName(role).toLowerCase()}): change your password`}
        onClick={() => setOpen(true)}
      >
        <span>{name}</span>
        <span className={role === 'admin' ? 'role-tag role-admin' : 'role-tag'}>{roleName(role)}</span>
      </button>
      {open && <ChangePasswordDialog onClose={() => setOpen(false)} />}
    </>
  );
}
