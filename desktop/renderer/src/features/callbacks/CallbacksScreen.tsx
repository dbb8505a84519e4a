import { useState } from 'react';
import type { Callback } from '#shared';
import { useApi } from '../../api/context';
import { formatWhen } from '../../lib/time';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { FormError } from '../../ui/Field';
import { type Column, Table } from '../../ui/Table';
import { useRequest } from '../../ui/useRequest';
import { useRole } from '../signin';
import { CloseCallbackDialog } from './CloseCallbackDialog';
import { queueOrder } from './slice';
import { attemptsText, claimText, mayDo, missedText } from './words';
import './callbacks.css';

/**
 * The shared callbacks queue (issue 24 item 4): everyone who called and reached nobody, oldest
 * first. An agent claims one (then it is theirs alone), calls back with one click, and it closes
 * when the call back is answered, or by hand with a reason.
 */
export function CallbacksScreen() {
  const api = useApi();
  const all = useConsole((s) => s.callbacks);
  const me = useConsole((s) => s.session?.agentId ?? null);
  const admin = useRole() === 'admin';
  const { busy, error, run } = useRequest();
  const [closing, setClosing] = useState<Callback | null>(null);
  const rows = queueOrder(all);
  const changed = (cb: Callback) => consoleStore.getState().callbacksChanged([cb]);
  const claim = (cb: Callback) =>
    void run(async () => {
      const ack = await api.request('callback:claim', { callbackId: cb.id });
      if (ack.ok) changed(ack.data);
      return ack;
    });
  const release = (cb: Callback) =>
    void run(async () => {
      const ack = await api.request('callback:release', { callbackId: cb.id });
      if (ack.ok) changed(ack.data);
      return ack;
    });
  const callBack = (cb: Callback) =>
    void run(async () => {
      const ack = await api.request('callback:call', { callbackId: cb.id });
      if (ack.ok) {
        changed(ack.data.callback);
        consoleStore.getState().callRequestDone(ack.data.call);
      }
      return ack;
    });

  const columns: Column<Callback>[] = [
    { key: 'who', header: 'Caller', rowHeader: true, cell: (c) => c.staffName },
    {
      key: 'when',
      header: 'Called',
      cell: (c) => (
        <span>
          {formatWhen(c.lastCallAt)}
          {c.missedCalls > 1 && <span className="muted"> · first {formatWhen(c.firstCallAt)}</span>}
        </span>
      ),
    },
    { key: 'missed', header: 'Missed', cell: (c) => missedText(c) },
    { key: 'tries', header: 'Tries', cell: (c) => attemptsText(c) },
    {
      key: 'claimed',
      header: 'Claimed by',
      cell: (c) => <span className={c.claimedBy === me ? 'cb-mine' : undefined}>{claimText(c, me)}</span>,
    },
    {
      key: 'actions',
      header: 'Actions',
      hiddenHeader: true,
      cell: (c) => {
        const may = mayDo(c, me, admin);
        return (
          <div className="cb-actions">
            {may.claim && (
              <button type="button" className="btn btn-sm" disabled={busy} onClick={() => claim(c)}>
                Claim<span className="visually-hidden"> {c.staffName}</span>
              </button>
            )}
            {may.callBack && (
              <button
                type="button"
                className="btn btn-sm btn-primary"
                disabled={busy}
                onClick={() => callBack(c)}
              >
                Call back<span className="visually-hidden"> {c.staffName}</span>
              </button>
            )}
            {may.release && (
              <button
                type="button"
                className="btn btn-sm btn-quiet"
                disabled={busy}
                onClick={() => release(c)}
              >
                Release<span className="visually-hidden"> {c.staffName}</span>
              </button>
            )}
            {may.close && (
              <button
                type="button"
                className="btn btn-sm btn-quiet"
                disabled={busy}
                onClick={() => setClosing(c)}
              >
                Close…<span className="visually-hidden"> {c.staffName}</span>
              </button>
            )}
          </div>
        );
      },
    },
  ];

  return (
    <section className="cb" aria-labelledby="cb-title">
      <header className="cb-head">
        <h1 id="cb-title">Callbacks</h1>
        <span className="muted">{rows.length === 1 ? '1 waiting' : `${rows.length} waiting`}</span>
      </header>
      <FormError>{error}</FormError>
      <Table
        caption="Callbacks waiting, oldest first"
        columns={columns}
        rows={rows}
        rowKey={(c) => c.id}
        empty="Nobody is waiting for a call back. A call nobody answers lands here."
      />
      {closing && <CloseCallbackDialog callback={closing} onClose={() => setClosing(null)} />}
    </section>
  );
}
