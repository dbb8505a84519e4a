import { useEffect, useState } from 'react';
import { logout } from '../../api/http';
import { clearSession } from '../../api/session';
import { useConsole } from '../../store/hooks';
import { buildNames } from '../../store/names';
import { consoleStore } from '../../store/store';
import { thisPage } from '../softphone';
import { desktopApi, desktopSession } from './bridge';
import { consoleSnapshot } from './snapshot';
import '../../ui/desk.css';
import './desktop.css';

/**
 * Mounted beside the console in the desktop app, signed in or not (nothing in a browser). It
 * tells the main process what the tray, notifications and badge need; signs out when the tray
 * asks; and, on this computer's server, signs the owner in again instead of asking for a
 * password nobody knows.
 */
export function DesktopRoot() {
  const api = desktopApi();
  useConsoleReports();
  useTraySignOut();
  useOwnerReauth();
  const signedIn = useConsole((s) => s.session !== null);
  if (!api || signedIn || api.serverMode() !== 'embedded') return null;
  return <OwnerSignIn />;
}

function useConsoleReports(): void {
  useEffect(() => {
    const api = desktopApi();
    if (!api) return;
    let last = '';
    const report = () => {
      const state = consoleStore.getState();
      const snapshot = consoleSnapshot(state, buildNames(state.staff), thisPage.id);
      const json = JSON.stringify(snapshot);
      if (json === last) return;
      last = json;
      api.reportConsole(snapshot);
    };
    report();
    return consoleStore.subscribe(report);
  }, []);
}

function useTraySignOut(): void {
  useEffect(
    () =>
      desktopApi()?.onCommand((command) => {
        if (command.type !== 'sign-out') return;
        const session = consoleStore.getState().session;
        if (!session) return;
        // As the console's own Sign out: forget here at once, then tell the server.
        clearSession();
        consoleStore.getState().signedOut(null);
        const url = desktopApi()?.serverUrl();
        if (url) void logout(url, session.token);
      }),
    [],
  );
}

/** The owner's session ended (expired, or the server's data was reset): a new one, and a fresh start. */
function useOwnerReauth(): void {
  const reauth = useConsole((s) => s.reauth);
  useEffect(() => {
    const api = desktopApi();
    if (!reauth || !api || api.serverMode() !== 'embedded') return;
    void desktopSession().then((session) => {
      // The console keeps its socket in App; a reload is the one way in with the new session.
      if (session) window.location.reload();
    });
  }, [reauth]);
}

/** Signed out on this computer's server: sign in as its owner with one click, or see why not. */
function OwnerSignIn() {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const api = desktopApi();
    if (!api || api.serverUrl()) return;
    void api.aboutServer().then((about) => setProblem(about.error ?? 'it is not running'));
  }, []);
  const signIn = async () => {
    setBusy(true);
    const session = await desktopSession();
    setBusy(false);
    if (session) consoleStore.getState().signedIn(session);
    else setProblem('it did not sign you in; see Settings → About this server after signing in elsewhere');
  };
  const restart = async () => {
    setBusy(true);
    await desktopApi()?.switchToEmbeddedServer();
    setBusy(false);
  };
  return (
    <aside className="desk-owner" aria-label="This computer's server">
      {problem ? (
        <>
          <p role="alert">This computer’s server is not running: {problem}.</p>
          <button type="button" className="btn btn-sm" disabled={busy} onClick={() => void restart()}>
            Start it again
          </button>
        </>
      ) : (
        <>
          <p>You are signed out of this computer’s server.</p>
          <button
            type="button"
            className="btn btn-primary btn-sm"
            disabled={busy}
            onClick={() => void signIn()}
          >
            Sign in as the owner
          </button>
        </>
      )}
    </aside>
  );
}
