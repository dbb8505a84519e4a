import { useState } from 'react';
import type { Role } from '#shared';
import { AccountDialog } from './AccountDialog';
import { ChangePasswordDialog } from './ChangePasswordDialog';
import { roleName } from './words';

/** The signed-in agent in the top bar: their name and role; choosing it opens their account. */
export function AccountButton({ name, role }: { name: string; role: Role }) {
  const [open, setOpen] = useState<'account' | 'password' | null>(null);
  return (
    <>
      <button
        type="button"
        className="btn btn-quiet btn-sm account"
        title="Signed in as; choose to see your sessions or change your password"
        aria-label={`Signed in as ${name} (${roleName(role).toLowerCase()}): your account`}
        onClick={() => setOpen('account')}
      >
        <span>{name}</span>
        <span className={role === 'admin' ? 'role-tag role-admin' : 'role-tag'}>{roleName(role)}</span>
      </button>
      {open === 'account' && (
        <AccountDialog
          name={name}
          role={role}
          onChangePassword={() => setOpen('password')}
          onClose={() => setOpen(null)}
        />
      )}
      {open === 'password' && <ChangePasswordDialog onClose={() => setOpen(null)} />}
    </>
  );
}
