import { useEffect } from 'react';
import { useConsole } from '../../store/hooks';
import { useNames } from '../../store/names';
import { useCallActions } from '../call';
import { ringtone } from '../incoming';
import { useIsSoftphone } from './SoftphoneBanner';

/** Long enough to hear the tone and decline; short enough that the caller hardly waits. */
export const AUTO_ANSWER_AFTER_MS = 1_500;

/** Whether this page answers calls by itself: the agent turned auto-answer on, and it is the softphone. */
export function useAutoAnswers(): boolean {
  const here = useIsSoftphone();
  const on = useConsole((s) => s.softphone?.autoAnswer ?? false);
  return here && on;
}

/**
 * The offered call this page is about to answer by itself, or null: auto-answer is on here, a
 * call is offered, and the agent has no live call (then it rings as usual).
 */
export function useAutoAnswerOffer() {
  const enabled = useAutoAnswers();
  const offer = useConsole((s) => {
    const ringing = Object.values(s.offers)
      .filter((o) => !o.taken && o.call.state !== 'ended')
      .sort((a, b) => a.call.createdAt - b.call.createdAt)[0];
    return ringing ? ringing.call : null;
  });
  const busy = useConsole((s) =>
    Object.values(s.calls).some((c) => c.state !== 'ended' && c.agentId === s.session?.agentId),
  );
  return enabled && !busy ? offer : null;
}

/**
 * Auto-answer (off by default, per agent, set in Audio and calls): instead of ringing, one short
 * tone, and the call is accepted a moment later, unless declined, taken by another agent or hung
 * up meanwhile (the offer is gone, so the timer is cleared).
 */
export function AutoAnswer() {
  const offer = useAutoAnswerOffer();
  const { act } = useCallActions();
  const names = useNames();
  const offerId = offer?.id ?? null;

  useEffect(() => {
    if (!offerId) return;
    ringtone.chirp();
    const timer = setTimeout(
      () => void act('call:accept', offerId, 'answer automatically'),
      AUTO_ANSWER_AFTER_MS,
    );
    return () => clearTimeout(timer);
  }, [offerId, act]);

  if (!offerId || !offer) return null;
  const caller = names.staff(offer.staffId)?.name ?? offer.callerName;
  return (
    <p className="softphone-auto" role="status">
      Answering {caller} automatically…
    </p>
  );
}
