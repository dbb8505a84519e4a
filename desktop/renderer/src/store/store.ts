import { createStore } from 'zustand/vanilla';
import type { Call, ServerStatus, SessionStatus, StaffEntry } from '#shared';
import type { Session } from '../api/session';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting';

export type ApnsStatus = ServerStatus['apns'];

/** An inbound call offered to this agent; `taken` once another agent accepted it. */
export interface Offer {
  call: Call;
  taken: boolean;
}

export interface ConsoleState {
  session: Session | null;
  /** Who the server says this console is (role, temporary password), on every connect and change. */
  me: SessionStatus | null;
  /** Why the agent was signed out (expired session), shown on the sign-in screen. */
  signOutReason: string | null;
  /** Set when the server refused the session: the console asks for the password over its screens. */
  reauth: string | null;
  connection: { status: ConnectionStatus; error: string | null; since: number };
  /** False until the first roster snapshot after sign-in, so empty states do not flash. */
  rosterLoaded: boolean;
  staff: StaffEntry[];
  apns: ApnsStatus | null;
  /** The agent's own calls still on screen (live, or ended and not yet dismissed). */
  calls: Record<string, Call>;
  /** The call the call panel shows. */
  focusedCallId: string | null;
  offers: Record<string, Offer>;
  /** The last call request the server refused, in words, shown above the call panel. */
  callNotice: string | null;
  /** A device to scroll to and flash in the roster (just paired). */
  highlight: { deviceId: string; at: number } | null;
}

export const initialState = (session: Session | null): ConsoleState => ({
  session,
  me: null,
  signOutReason: null,
  reauth: null,
  connection: { status: 'connecting', error: null, since: Date.now() },
  rosterLoaded: false,
  staff: [],
  apns: null,
  calls: {},
  focusedCallId: null,
  offers: {},
  callNotice: null,
  highlight: null,
});

export const consoleStore = createStore<ConsoleState>(() => initialState(null));
export type ConsoleStore = typeof consoleStore;
