import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { Session } from '../api/session';
import {
  type AvailabilitySlice,
  availabilityData,
  createAvailabilitySlice,
} from '../features/availability/slice';
import { type CallsSlice, callsData, createCallsSlice } from '../features/call/slice';
import { type CallbacksSlice, callbacksData, createCallbacksSlice } from '../features/callbacks/slice';
import { createHealthSlice, type HealthSlice, healthData } from '../features/health/slice';
import { createRosterSlice, type RosterSlice, rosterData } from '../features/roster/slice';
import { createSessionSlice, type SessionSlice, sessionData } from '../features/signin/slice';
import { createSoftphoneSlice, type SoftphoneSlice, softphoneData } from '../features/softphone/slice';
import { createStatusSlice, type StatusSlice, statusData } from '../features/status/slice';
import { createSuperviseSlice, type SuperviseSlice, superviseData } from '../features/supervise/slice';
import { createTransfersSlice, type TransfersSlice, transfersData } from '../features/transfer/slice';
import { createVideoSlice, type VideoSlice, videoData } from '../features/video/slice';
import { createWrapUpSlice, type WrapUpSlice, wrapUpData } from '../features/wrapup/slice';

/**
 * The console's one store, made of the features' slices (zustand's slices pattern): each feature
 * owns its part of the state and the actions that change it, and only a slice calls `set`.
 * Components select state and call actions; the store they get cannot `setState`.
 */
export type ConsoleState = SessionSlice &
  StatusSlice &
  RosterSlice &
  CallsSlice &
  TransfersSlice &
  AvailabilitySlice &
  SoftphoneSlice &
  WrapUpSlice &
  HealthSlice &
  CallbacksSlice &
  SuperviseSlice &
  VideoSlice &
  Lifecycle;

/** A feature's slice: its state and actions, with the whole state in view for rules that need it. */
export type ConsoleSlice<T> = StateCreator<ConsoleState, [], [], T>;

/** What signing in and out does to every slice at once. */
export interface Lifecycle {
  /** An agent signed in (or a reload found their session): every feature starts from nothing. */
  signedIn(session: Session): void;
  /** Back to the sign-in screen, saying why when the server ended the session. */
  signedOut(reason: string | null): void;
}

/** The store as the console sees it: state and actions to read and subscribe to, no `setState`. */
export type ReadonlyStore<T> = Pick<StoreApi<T>, 'getState' | 'getInitialState' | 'subscribe'>;

export function createConsoleStore(now: () => number = Date.now): ReadonlyStore<ConsoleState> {
  const fresh = (session: Session | null) => ({
    ...sessionData(session),
    ...statusData(now()),
    ...rosterData(),
    ...callsData(),
    ...transfersData(),
    ...availabilityData(),
    ...softphoneData(),
    ...wrapUpData(),
    ...healthData(),
    ...callbacksData(),
    ...superviseData(),
    ...videoData(),
  });
  return createStore<ConsoleState>()((...a) => {
    const [set] = a;
    return {
      ...createSessionSlice(...a),
      ...createStatusSlice(now)(...a),
      ...createRosterSlice(now)(...a),
      ...createCallsSlice(...a),
      ...createTransfersSlice(...a),
      ...createAvailabilitySlice(...a),
      ...createSoftphoneSlice(...a),
      ...createWrapUpSlice(...a),
      ...createHealthSlice(...a),
      ...createCallbacksSlice(...a),
      ...createSuperviseSlice(...a),
      ...createVideoSlice(...a),
      signedIn: (session) => set(fresh(session)),
      signedOut: (reason) => set({ ...fresh(null), signOutReason: reason }),
    };
  });
}

export const consoleStore = createConsoleStore();
export type ConsoleStore = typeof consoleStore;
