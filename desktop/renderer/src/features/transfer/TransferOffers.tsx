import { useEffect } from 'react';
import { useStore } from 'zustand';
import { type Call, liveTransfer, transfersOf } from '#shared';
import { formatClock } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { useNames } from '../../store/names';
import { consultStore } from './consult/session';
import { useTransferActions } from './useTransferActions';
import { consultText, offeredText } from './words';
import './transfer.css';

/** How long "the call with Ana is Bob's now" stays before it clears itself. */
const HANDED_VISIBLE_MS = 8_000;

/**
 * The transfers of this console: calls another agent hands to this one (ringing, or consulting
 * with them), and the calls this agent handed on, said once.
 */
export function TransferOffers() {
  const offers = useConsole((s) => s.transferOffers);
  const handed = useConsole((s) => s.handedOver);
  const list = Object.values(offers).sort((a, b) => a.createdAt - b.createdAt);
  const done = Object.values(handed);
  if (list.length === 0 && done.length === 0) return null;
  return (
    <section className="incoming" aria-label="Transfers">
      {list.map((call) => (
        <OfferedCard key={call.id} call={call} />
      ))}
      {done.map((call) => (
        <HandedCard key={call.id} call={call} />
      ))}
    </section>
  );
}

function OfferedCard({ call }: { call: Call }) {
  const names = useNames();
  const { act } = useTransferActions();
  const transfer = liveTransfer(call);
  const phase = useStore(consultStore, (s) => (s.callId === call.id ? s.phase : null));
  const now = useNow(500, transfer?.state === 'ringing');
  if (!transfer) return null;
  const person = names.staff(call.staffId)?.name ?? call.callerName;
  const words = offeredText(transfer, person);
  const ringing = transfer.state === 'ringing';
  return (
    <article
      className={`offer ${ringing ? 'offer-ringing' : 'offer-consulting'}`}
      aria-label={ringing ? `Transfer from ${transfer.fromName}` : `Consultation with ${transfer.fromName}`}
    >
      <div className="offer-head">
        <div>
          <p className="offer-kicker">{words.kicker}</p>
          <p className="offer-caller">{words.line}</p>
          <p className="muted">{words.how}</p>
        </div>
        {ringing && (
          <span className="call-clock num" role="timer" aria-label="Ringing for">
            {formatClock(now - transfer.startedAt)}
          </span>
        )}
      </div>
      {!ringing && (
        <p className="muted" data-testid="consult-state">
          {consultText(phase)}
        </p>
      )}
      <div className="offer-actions">
        {ringing && (
          <button
            type="button"
            className="btn btn-call"
            onClick={() => void act('transfer:accept', call.id, 'take the transfer')}
          >
            Accept
          </button>
        )}
        <button
          type="button"
          className="btn btn-danger"
          onClick={() => void act('transfer:decline', call.id, ringing ? 'decline' : 'leave')}
        >
          {ringing ? 'Decline' : 'Leave consultation'}
        </button>
      </div>
    </article>
  );
}

function HandedCard({ call }: { call: Call }) {
  const names = useNames();
  const dismiss = useConsole((s) => s.dismissHandedOver);
  const last = transfersOf(call).at(-1);
  useEffect(() => {
    const id = setTimeout(() => dismiss(call.id), HANDED_VISIBLE_MS);
    return () => clearTimeout(id);
  }, [dismiss, call.id]);
  const person = names.staff(call.staffId)?.name ?? call.callerName;
  return (
    <article className="offer offer-settled" aria-label={`Call with ${person} transferred`}>
      <div className="offer-outcome">
        <p role="status">
          The call with {person} is {last?.toName ?? 'another agent'}’s now.
        </p>
        <button type="button" className="btn btn-quiet btn-sm" onClick={() => dismiss(call.id)}>
          Dismiss
        </button>
      </div>
    </article>
  );
}
