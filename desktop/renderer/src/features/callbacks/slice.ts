import type { Callback } from '#shared';
import type { ConsoleSlice } from '../../store/store';

/** The shared callbacks queue: the open ones, by id, as the server last said. */
export interface CallbacksData {
  callbacks: Record<string, Callback>;
}

export interface CallbacksSlice extends CallbacksData {
  callbacksLoaded(callbacks: Callback[]): void;
  /** Queued, claimed, released, tried or closed: a closed one leaves the queue. */
  callbacksChanged(callbacks: Callback[]): void;
}

export const callbacksData = (): CallbacksData => ({ callbacks: {} });

export const createCallbacksSlice: ConsoleSlice<CallbacksSlice> = (set) => ({
  ...callbacksData(),
  callbacksLoaded: (list) => set({ callbacks: Object.fromEntries(list.map((c) => [c.id, c])) }),
  callbacksChanged: (changed) =>
    set((s) => {
      const callbacks = { ...s.callbacks };
      for (const c of changed) {
        if (c.state === 'closed') delete callbacks[c.id];
        else callbacks[c.id] = c;
      }
      return { callbacks };
    }),
});

/** Oldest first: who has waited longest is called back first. */
export const queueOrder = (callbacks: Record<string, Callback>): Callback[] =>
  Object.values(callbacks).sort((a, b) => a.firstCallAt - b.firstCallAt || a.id.localeCompare(b.id));
