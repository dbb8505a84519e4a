import { useEffect, useState } from 'react';
import { ConsoleClient } from '../api/client';
import { ApiProvider } from '../api/context';
import { logout } from '../api/http';
import { clearSession, type Session, saveSession } from '../api/session';
import { desktopServerUrl } from '../features/desktop';
import { ReauthDialog, SignInScreen } from '../features/signin';
import { thisPage } from '../features/softphone';
import { useConsole } from '../store/hooks';
import { consoleStore } from '../store/store';
import { Shell } from './Shell';

/** In the web console the server is the page's own origin; the desktop app says which server it uses. */
const serverUrl = desktopServerUrl() ?? window.location.origin;

/**
 * Signed out: the sign-in screen. Signed in: one client (socket) for as long as the same agent
 * works here. It is keyed by the agent's name, not the session: signing in again after the
 * session ended (or after the server forgot it) keeps the client and every screen as they were.
 */
export function App() {
  const session = useConsole((s) => s.session);
  const agentName = session?.name ?? null;
  const reauth = useConsole((s) => s.reauth);
  const [client, setClient] = useState<ConsoleClient | null>(null);

  useEffect(() => {
    const current = consoleStore.getState().session;
    if (!agentName || !current) return;
    const c = new ConsoleClient(
      serverUrl,
      current,
      consoleStore,
      (reason) => consoleStore.getState().sessionRefused(reason),
      thisPage,
      // Removed, disabled or reset by an admin: signing in again as before would not help.
      (reason) => signOut(reason),
    );
    c.connect();
    setClient(c);
    return () => {
      c.close();
      setClient(null);
    };
  }, [agentName]);

  if (!session) return <SignInScreen serverUrl={serverUrl} onSignedIn={signIn} />;
  if (!client) return null;
  return (
    <ApiProvider api={client}>
      <Shell onSignOut={() => void signOutByAgent(session)} />
      {reauth && (
        <ReauthDialog
          serverUrl={serverUrl}
          agentName={session.name}
          reason={reauth}
          onSignedIn={(next) => {
            saveSession(next);
            consoleStore.getState().sessionResumed(next);
            client.resume(next);
          }}
          onSignOut={() => signOut(null)}
        />
      )}
    </ApiProvider>
  );
}

function signIn(session: Session): void {
  saveSession(session);
  consoleStore.getState().signedIn(session);
}

function signOut(reason: string | null): void {
  clearSession();
  consoleStore.getState().signedOut(reason);
}

async function signOutByAgent(session: Session): Promise<void> {
  signOut(null);
  await logout(serverUrl, session.token);
}
