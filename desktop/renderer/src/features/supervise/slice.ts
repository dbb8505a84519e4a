import type { LiveBoard, Supervision, SupervisionChanged } from '#shared';
import type { ConsoleSlice } from '../../store/store';

export type SupervisionEnded = NonNullable<SupervisionChanged['ended']> & { callId: string };

export interface SuperviseData {
  /** The supervisions this agent is part of, by call id: of their own calls, and the one they run. */
  supervisions: Record<string, Supervision>;
  /** The last supervision this agent ran that ended, for its notice; null once dismissed. */
  supervisionEnded: SupervisionEnded | null;
  /** The admins' Live board, as `supervise:live` last said; null until it has. */
  liveBoard: LiveBoard | null;
}

export interface SuperviseSlice extends SuperviseData {
  supervisionChanged(change: SupervisionChanged, myId: string | null): void;
  liveBoardLoaded(board: LiveBoard): void;
  supervisionNoticeDismissed(): void;
  /**
   * The socket is back: the server sends the supervisions that still go on (on connect), so the
   * ones held from before are dropped rather than kept after they ended unseen.
   */
  supervisionsReconnected(): void;
}

export const superviseData = (): SuperviseData => ({
  supervisions: {},
  supervisionEnded: null,
  liveBoard: null,
});

export const createSuperviseSlice: ConsoleSlice<SuperviseSlice> = (set) => ({
  ...superviseData(),
  supervisionChanged: ({ callId, supervision, ended }, myId) =>
    set((s) => {
      const supervisions = { ...s.supervisions };
      if (supervision) supervisions[callId] = supervision;
      else delete supervisions[callId];
      const mine = ended && ended.supervisorId === myId && ended.reason !== 'stopped';
      return {
        supervisions,
        supervisionEnded: mine ? { ...ended, callId } : supervision ? null : s.supervisionEnded,
      };
    }),
  liveBoardLoaded: (liveBoard) => set({ liveBoard }),
  supervisionNoticeDismissed: () => set({ supervisionEnded: null }),
  supervisionsReconnected: () => set({ supervisions: {} }),
});

/** The supervision of this agent's own call, if an admin supervises it. */
export const supervisionOfMyCall = (s: SuperviseData, callId: string, me: string | null) => {
  const supervision = s.supervisions[callId];
  return supervision && supervision.agentId === me ? supervision : null;
};

/** The supervision this agent runs (as an admin), if any. */
export const mySupervision = (s: SuperviseData, me: string | null): Supervision | null =>
  Object.values(s.supervisions).find((x) => x.supervisorId === me) ?? null;
