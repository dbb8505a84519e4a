import { useCallback, useEffect, useState } from 'react';
import type { Role, SessionEntry } from '#shared';
import { useApi } from '../../api/context';
import { formatWhen } from '../../lib/time';
import { Dialog } from '../../ui/Dialog';
import { type Column, Table } from '../../ui/Table';
import { useRequest } from '../../ui/useRequest';
import { roleName } from './words';
import './team.css';

const COLUMNS: Column<SessionEntry>[] = [
  {
    key: 'where',
    header: 'Session',
    rowHeader: true,
    cell: (s) => (s.current ? <strong>This console</strong> : 'Another console or browser'),
  },
  { key: 'since', header: 'Signed in', cell: (s) => formatWhen(s.createdAt) },
  { key: 'until', header: 'Signed out by itself', cell: (s) => formatWhen(s.expiresAt) },
];

/**
 * The signed-in agent's own account (issue 20 item 6): where they are signed in now, with "Sign
 * out everywhere else" for a laptop left open or a shared browser, and their password.
 */
export function AccountDialog({
  name,
  role,
  onChangePassword,
  onClose,
}: {
  name: string;
  role: Role;
  onChangePassword: () => void;
  onClose: () => void;
}) {
  const api = useApi();
  const request = useRequest();
  const [sessions, setSessions] = useState<SessionEntry[] | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { run } = request;

  const load = useCallback(async () => {
    const ack = await run(() => api.request('session:list', {}));
    if (ack.ok) setSessions(ack.data.sessions);
  }, [api, run]);
  useEffect(() => {
    void load();
  }, [load]);

  async function endOthers() {
    const ack = await run(() => api.request('session:end-others', {}));
    if (!ack.ok) return;
    setNotice(
      ack.data.ended === 0
        ? 'You were signed in nowhere else.'
        : `Signed out of ${ack.data.ended} other session${ack.data.ended === 1 ? '' : 's'}.`,
    );
    await load();
  }

  const others = (sessions ?? []).filter((s) => !s.current).length;
  return (
    <Dialog
      title="Your account"
      onClose={onClose}
      error={request.error}
      className="account-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={onChangePassword}>
            Change password…
          </button>
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </>
      }
    >
      <p>
        Signed in as <strong>{name}</strong> ({roleName(role).toLowerCase()}).
      </p>
      <h3 className="account-subhead">Where you are signed in</h3>
      <Table
        caption="Your sessions"
        columns={COLUMNS}
        rows={sessions ?? []}
        rowKey={(s) => s.id}
        loading={sessions === null}
        empty="No session: sign in again."
      />
      <div className="account-sessions-actions">
        <button type="button" className="btn" onClick={endOthers} disabled={request.busy || others === 0}>
          Sign out everywhere else
        </button>
        {notice && <p role="status">{notice}</p>}
      </div>
    </Dialog>
  );
}
