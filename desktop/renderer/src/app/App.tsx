import { useEffect, useState } from 'react';
import { ConsoleClient } from '../api/client';
import { ApiProvider } from '../api/context';
import { defaultServerUrl, logout } from '../api/http';
import { clearSession, type Session, saveSession } from '../api/session';
import { SignInScreen } from '../features/signin/SignInScreen';
import { useConsole } from '../store/hooks';
import { consoleStore, initialState } from '../store/store';
import { Shell } from './Shell';

const serverUrl = defaultServerUrl();

/** Signed out: the sign-in screen. Signed in: one client (socket) for the session's lifetime. */
export function App() {
  const session = useConsole((s) => s.session);
  const [client, setClient] = useState<ConsoleClient | null>(null);

  useEffect(() => {
    if (!session) return;
    const c = new ConsoleClient(serverUrl, session, consoleStore, (reason) => signOut(reason));
    c.connect();
    setClient(c);
    return () => {
      c.close();
      setClient(null);
    };
  }, [session]);

  if (!session) return <SignInScreen serverUrl={serverUrl} onSignedIn={signIn} />;
  if (!client) return null;
  return (
    <ApiProvider api={client}>
      <Shell onSignOut={() => void signOutByAgent(session)} />
    </ApiProvider>
  );
}

function signIn(session: Session): void {
  saveSession(session);
  consoleStore.setState(initialState(session));
}

function signOut(reason: string | null): void {
  clearSession();
  consoleStore.setState({ ...initialState(null), signOutReason: reason });
}

async function signOutByAgent(session: Session): Promise<void> {
  signOut(null);
  await logout(serverUrl, session.token);
}
