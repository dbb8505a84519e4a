import { useEffect, useSyncExternalStore } from 'react';
import { ringtone } from './ringtone';

const BASE_TITLE = 'Switchboard';

/** While a call is offered: the ringtone plays and the page title flashes, even in a background tab. */
export function useRinging(caller: string | null): void {
  useEffect(() => {
    if (!caller) return;
    ringtone.start();
    let on = true;
    document.title = `📞 Incoming call: ${caller}`;
    const id = setInterval(() => {
      on = !on;
      document.title = on ? `📞 Incoming call: ${caller}` : `(ringing) ${BASE_TITLE}`;
    }, 1000);
    return () => {
      clearInterval(id);
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
