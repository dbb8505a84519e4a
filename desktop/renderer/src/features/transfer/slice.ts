import type { Call } from '#shared';
import type { ConsoleSlice } from '../../store/store';
import * as rules from './rules';

export interface TransfersData {
  /** Calls another agent is handing to this one: ringing here, or consulting with them. */
  transferOffers: Record<string, Call>;
  /** Calls this agent handed on, as they were when they left: the dock says where they went. */
  handedOver: Record<string, Call>;
}

export interface TransfersSlice extends TransfersData {
  /** Every call change this console hears (`call:changed`, or the answer to its own request). */
  transferSeen(call: Call): void;
  dismissHandedOver(callId: string): void;
  /** The server re-sends every live transfer after a reconnect: what it does not re-send is over. */
  transfersReconnected(): void;
}

export const transfersData = (): TransfersData => ({ transferOffers: {}, handedOver: {} });

export const createTransfersSlice: ConsoleSlice<TransfersSlice> = (set) => {
  const agent = (s: { session: { agentId: string } | null }) => s.session?.agentId ?? null;
  return {
    ...transfersData(),
    transferSeen: (call) => set((s) => rules.transferSeen(s, agent(s), call)),
    dismissHandedOver: (callId) => set((s) => rules.dismissHandedOver(s, callId)),
    transfersReconnected: () => set({ transferOffers: {} }),
  };
};
