import { useCallback, useEffect } from 'react';
import { liveTransfer } from '#shared';
import { formatClock } from '../../lib/time';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { type Names, useNames } from '../../store/names';
import { endSentence, type Offer, useCallActions } from '../call';
import { useRinging, useRingtoneArmed } from './useRinging';
import './incoming.css';

/** How long a "taken by another agent" or "caller hung up" card stays before it clears itself. */
const SETTLED_VISIBLE_MS = 8_000;

/**
 * Calls from phones offered to every agent: accept or decline, or see that someone else took it.
 * `rings`: this page is the agent's softphone (the others show the calls silently).
 */
export function IncomingCalls({ rings = true }: { rings?: boolean } = {}) {
  const offers = useConsole((s) => s.offers);
  const names = useNames();
  const list = Object.values(offers).sort((a, b) => a.call.createdAt - b.call.createdAt);
  const ringing = list.find((o) => !o.taken && o.call.state !== 'ended');
  // A transfer another agent hands to this one rings the same way.
  const transfer = useConsole((s) =>
    Object.values(s.transferOffers).find((c) => liveTransfer(c)?.state === 'ringing'),
  );
  const transferCaller =
    transfer && `${names.staff(transfer.staffId)?.name ?? transfer.callerName} (transfer)`;
  const caller = ringing ? callerOf(ringing, names) : (transferCaller ?? null);
  useRinging(rings ? caller : null);
  if (list.length === 0) return null;
  return (
    <section className="incoming" aria-label="Incoming calls">
      {list.map((offer) => (
        <OfferCard key={offer.call.id} offer={offer} names={names} rings={rings} />
      ))}
    </section>
  );
}

function callerOf(offer: Offer, names: Names): string {
  return names.staff(offer.call.staffId)?.name ?? offer.call.callerName;
}

function OfferCard({ offer, names, rings }: { offer: Offer; names: Names; rings: boolean }) {
  const { call, taken } = offer;
  const { act } = useCallActions();
  const settled = taken || call.state === 'ended';
  const now = useNow(500, !settled);
  const armed = useRingtoneArmed();
  const caller = callerOf(offer, names);
  const device = names.device(call.devices[0]?.deviceId ?? null)?.device;
  const dismissOffer = useConsole((s) => s.dismissOffer);
  const dismiss = useCallback(() => dismissOffer(call.id), [dismissOffer, call.id]);

  // Once, from the moment it settled: later re-renders (a roster change) must not restart the clock.
  useEffect(() => {
    if (!settled) return;
    const id = setTimeout(dismiss, SETTLED_VISIBLE_MS);
    return () => clearTimeout(id);
  }, [settled, dismiss]);

  return (
    <article
      className={`offer ${settled ? 'offer-settled' : 'offer-ringing'}`}
      aria-label={`Incoming call from ${caller}`}
    >
      <div className="offer-head">
        <div>
          <p className="offer-kicker">{settled ? 'Incoming call' : 'Incoming call · ringing'}</p>
          <p className="offer-caller">{caller}</p>
          {device && <p className="muted">{device}</p>}
        </div>
        {!settled && (
          <span className="call-clock num" role="timer" aria-label="Ringing for">
            {formatClock(now - call.createdAt)}
          </span>
        )}
      </div>
      {settled ? (
        <div className="offer-outcome">
          <p role="status">{taken ? 'Taken by another agent' : endSentence(call, names)}</p>
          <button type="button" className="btn btn-quiet btn-sm" onClick={dismiss}>
            Dismiss
          </button>
        </div>
      ) : (
        <>
          <div className="offer-actions">
            <button
              type="button"
              className="btn btn-call"
              onClick={() => void act('call:accept', call.id, 'accept')}
            >
              Accept
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={async () => {
                const ack = await act('call:decline', call.id, 'decline');
                if (ack.ok) dismiss();
              }}
            >
              Decline
            </button>
          </div>
          {rings && !armed && (
            <p className="offer-silent">Ringtone is silent until you click or press a key in this window.</p>
          )}
        </>
      )}
    </article>
  );
}
