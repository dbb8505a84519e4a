import type { SessionStatus } from '#shared';
import type { Session } from '../../api/session';
import type { ConsoleSlice } from '../../store/store';

/** Who is signed in here, what the server says they are, and why they were signed out. */
export interface SessionData {
  session: Session | null;
  /** Who the server says this console is (role, temporary password), on every connect and change. */
  me: SessionStatus | null;
  /** Why the agent was signed out (expired session), shown on the sign-in screen. */
  signOutReason: string | null;
  /** Set when the server refused the session: the console asks for the password over its screens. */
  reauth: string | null;
}

export interface SessionSlice extends SessionData {
  meChanged(me: SessionStatus): void;
  /** The server refused the session: ask for the password again, keeping every screen as it is. */
  sessionRefused(reason: string): void;
  /** Signed in again after a refusal: the same screens carry on with the new session. */
  sessionResumed(session: Session): void;
}

export const sessionData = (session: Session | null): SessionData => ({
  session,
  me: null,
  signOutReason: null,
  reauth: null,
});

export const createSessionSlice: ConsoleSlice<SessionSlice> = (set) => ({
  ...sessionData(null),
  meChanged: (me) => set({ me }),
  sessionRefused: (reason) => set({ reauth: reason }),
  sessionResumed: (session) => set({ session, reauth: null }),
});
