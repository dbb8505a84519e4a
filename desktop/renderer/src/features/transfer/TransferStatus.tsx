import { useState } from 'react';
import { useStore } from 'zustand';
import { type Call, liveTransfer } from '#shared';
import { useNames } from '../../store/names';
import { consultStore } from './consult/session';
import { TransferDialog } from './TransferDialog';
import { useTransferActions } from './useTransferActions';
import { consultText, transferringText } from './words';

/**
 * The first agent's side of a transfer, in their call card: the Transfer button, then while it
 * rings or consults what is going on, with Complete (after consulting) and Cancel.
 */
export function TransferStatus({ call }: { call: Call }) {
  const names = useNames();
  const { act } = useTransferActions();
  const [choosing, setChoosing] = useState(false);
  const phase = useStore(consultStore, (s) => (s.callId === call.id ? s.phase : null));
  const person = names.staff(call.staffId)?.name ?? call.callerName;
  const transfer = liveTransfer(call);
  const answered = call.state === 'connecting' || call.state === 'active';
  if (call.state === 'ended') return null;

  if (!transfer) {
    return (
      <div className="transfer-start">
        <button type="button" className="btn" disabled={!answered} onClick={() => setChoosing(true)}>
          Transfer…
        </button>
        {choosing && <TransferDialog call={call} person={person} onClose={() => setChoosing(false)} />}
      </div>
    );
  }
  const consulting = transfer.state === 'consulting';
  return (
    <section className="transfer-status" aria-label="Transfer" data-testid="transfer-status">
      <p role="status">{transferringText(transfer, person)}</p>
      {consulting && (
        <p className="muted" data-testid="consult-state">
          {consultText(phase)}
        </p>
      )}
      <div className="call-controls">
        {consulting && (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void act('transfer:complete', call.id, 'complete the transfer')}
          >
            Complete transfer
          </button>
        )}
        <button
          type="button"
          className="btn"
          onClick={() => void act('transfer:cancel', call.id, 'cancel the transfer')}
        >
          {consulting ? `Back to ${person}` : 'Cancel transfer'}
        </button>
      </div>
    </section>
  );
}
