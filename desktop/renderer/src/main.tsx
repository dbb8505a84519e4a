// The theme first: every feature's stylesheet builds on (and may refine) its variables and base rules.
import './app/theme.css';
import './ui/controls.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadSession } from './api/session';
import { App } from './app/App';
import { DesktopRoot, desktopSession } from './features/desktop';
import { ringtone } from './features/incoming';
import { consoleStore } from './store/store';

// Before the first render, so a reload goes straight back to the console without a sign-in flash.
// In the desktop app, on this computer's server, the main process signs the owner in.
const session = loadSession(Date.now()) ?? (await desktopSession());
if (session) consoleStore.getState().signedIn(session);

ringtone.install();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
    <DesktopRoot />
  </StrictMode>,
);
