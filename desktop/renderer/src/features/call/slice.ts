import type { Call } from '#shared';
import type { ConsoleSlice } from '../../store/store';
import * as rules from './rules';

/** An inbound call offered to this agent; `taken` once another agent accepted it. */
export interface Offer {
  call: Call;
  taken: boolean;
}

export interface CallsData {
  /** The agent's own calls still on screen (live, or ended and not yet dismissed). */
  calls: Record<string, Call>;
  /** The call the call panel shows. */
  focusedCallId: string | null;
  offers: Record<string, Offer>;
  /** The last call request the server refused, in words, shown above the call panel. */
  callNotice: string | null;
}

/** The server refused the call the agent was in; it may have restarted. */
export const CALL_LOST_NOTICE =
  'The server no longer knows the call you were in (it may have restarted). Call again if needed.';

export interface CallsSlice extends CallsData {
  /** A broadcast, or the answer to this agent's own request. */
  callChanged(call: Call): void;
  callIncoming(call: Call): void;
  /** A call request answered: the call as it is now, and any earlier refusal no longer applies. */
  callRequestDone(call: Call): void;
  /** A call request refused, in words for the agent. */
  callRequestRefused(notice: string): void;
  dismissCallNotice(): void;
  dismissCall(callId: string): void;
  dismissOffer(callId: string): void;
  /**
   * After a reconnect, the server's word on the calls that were on screen (`asked`): the ones it
   * knows replace ours, a live one it forgot is closed with a notice.
   */
  callsSynced(asked: string[], known: Call[]): void;
  /**
   * On reconnect the server re-sends every live offer and own call; offers it does not re-send are
   * gone, so they are cleared before the resync rather than left ringing forever.
   */
  reconnected(): void;
}

export const callsData = (): CallsData => ({ calls: {}, focusedCallId: null, offers: {}, callNotice: null });

export const createCallsSlice: ConsoleSlice<CallsSlice> = (set) => {
  const agent = (s: { session: { agentId: string } | null }) => s.session?.agentId ?? null;
  return {
    ...callsData(),
    callChanged: (call) => set((s) => rules.callChanged(s, agent(s), call)),
    callIncoming: (call) => set((s) => rules.callIncoming(s, agent(s), call)),
    callRequestDone: (call) => set((s) => ({ ...rules.callChanged(s, agent(s), call), callNotice: null })),
    callRequestRefused: (notice) => set({ callNotice: notice }),
    dismissCallNotice: () => set({ callNotice: null }),
    dismissCall: (callId) => set((s) => rules.dismissCall(s, callId)),
    dismissOffer: (callId) => set((s) => rules.dismissOffer(s, callId)),
    callsSynced: (asked, known) =>
      set((s) => {
        let next: CallsData = {
          calls: s.calls,
          focusedCallId: s.focusedCallId,
          offers: s.offers,
          callNotice: s.callNotice,
        };
        for (const call of known) next = { ...next, ...rules.callChanged(next, agent(s), call) };
        const knownIds = new Set(known.map((c) => c.id));
        for (const id of asked) {
          const call = next.calls[id];
          if (knownIds.has(id) || !call || call.state === 'ended') continue;
          next = { ...next, ...rules.dismissCall(next, id), callNotice: CALL_LOST_NOTICE };
        }
        return next;
      }),
    reconnected: () => set({ offers: {} }),
  };
};
