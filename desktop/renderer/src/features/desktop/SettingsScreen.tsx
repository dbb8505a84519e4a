import { useCallback, useEffect, useState } from 'react';
import type { SettingsView } from '../../../../preload/contract';
import { NetworkTest } from '../network';
import { AboutServerPanel } from './AboutServer';
import { ApnsSettings } from './ApnsSettings';
import { desktopApi } from './bridge';
import { ServerSettings } from './ServerSettings';
import { TestPush } from './TestPush';

/**
 * The desktop app's settings (shown only in the desktop app): which server the console uses,
 * the APNs credentials of this computer's server, what that server is doing, and the Network test.
 */
export function SettingsScreen() {
  const api = desktopApi();
  const [view, setView] = useState<SettingsView | null>(null);
  const reload = useCallback(() => {
    void api?.settings().then(setView);
  }, [api]);
  useEffect(reload, [reload]);
  if (!api) return null;
  return (
    <section className="desk" aria-labelledby="desk-title">
      <header>
        <h1 id="desk-title">Settings</h1>
      </header>
      {view === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <>
          <ServerSettings view={view} onSaved={reload} />
          {view.mode === 'embedded' ? (
            <ApnsSettings view={view.apns} onSaved={reload} />
          ) : (
            <section className="desk-card" aria-labelledby="desk-apns-title">
              <h2 id="desk-apns-title">Push notifications (APNs)</h2>
              <p className="muted">
                A team server has its own APNs credentials, set where it runs (
                <code>npm run server -- --apns-key …</code>).
              </p>
            </section>
          )}
          <TestPush />
          <NetworkTest />
          <AboutServerPanel />
        </>
      )}
    </section>
  );
}
