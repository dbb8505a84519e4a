import { useEffect, useSyncExternalStore } from 'react';
import { ringtone } from './ringtone';

const BASE_TITLE = 'Switchboard';

/**
 * A browser tab in the background shows a system notification for the ringing call, when the agent
 * allowed notifications (the desktop app notifies from its main process instead). Clicking it
 * brings the tab forward.
 */
function notifyWhileHidden(caller: string): () => void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted' || window.api) {
    return () => undefined;
  }
  let note: Notification | null = null;
  const show = () => {
    if (!document.hidden || note) return;
    note = new Notification('Incoming call', { body: `${caller} is calling`, tag: 'switchboard-ringing' });
    note.onclick = () => {
      window.focus();
      note?.close();
    };
  };
  show();
  document.addEventListener('visibilitychange', show);
  return () => {
    document.removeEventListener('visibilitychange', show);
    note?.close();
  };
}

/**
 * While a call is offered: the ringtone plays and the page title flashes, even in a background
 * tab, which also gets a notification.
 */
export function useRinging(caller: string | null): void {
  useEffect(() => {
    if (!caller) return;
    ringtone.start();
    const closeNotification = notifyWhileHidden(caller);
    let on = true;
    document.title = `📞 Incoming call: ${caller}`;
    const id = setInterval(() => {
      on = !on;
      document.title = on ? `📞 Incoming call: ${caller}` : `(ringing) ${BASE_TITLE}`;
    }, 1000);
    return () => {
      clearInterval(id);
      closeNotification();
      ringtone.stop();
      document.title = BASE_TITLE;
    };
  }, [caller]);
}

export function useRingtoneArmed(): boolean {
  return useSyncExternalStore(
    (fn) => ringtone.subscribe(fn),
    () => ringtone.armed,
  );
}
