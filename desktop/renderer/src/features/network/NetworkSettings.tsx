import { NetworkTest } from './NetworkTest';
import './network.css';

/**
 * Settings in the browser console: what a browser can check from where it runs. The desktop app's
 * Settings screen has the same Network test beside its own settings.
 */
export function NetworkSettings() {
  return (
    <section className="desk" aria-labelledby="web-settings-title">
      <header>
        <h1 id="web-settings-title">Settings</h1>
      </header>
      <NetworkTest />
    </section>
  );
}
