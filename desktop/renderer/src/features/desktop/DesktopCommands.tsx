import { useEffect, useRef } from 'react';
import { consoleStore } from '../../store/store';
import { useCallActions } from '../call';
import { desktopApi } from './bridge';

/**
 * Inside the signed-in shell: what the tray, a notification, the Call menu or its shortcuts ask
 * of the live call, done with the console's own call actions (so a refusal shows as usual).
 */
export function DesktopCommands({ onOpenSettings }: { onOpenSettings: () => void }) {
  const { act, toggle } = useCallActions();
  const openSettings = useRef(onOpenSettings);
  openSettings.current = onOpenSettings;
  useEffect(
    () =>
      desktopApi()?.onCommand((command) => {
        const s = consoleStore.getState();
        const live = Object.values(s.calls).find((c) => c.state !== 'ended');
        const ringing = Object.values(s.offers)
          .filter((o) => !o.taken && o.call.state !== 'ended')
          .sort((a, b) => a.call.createdAt - b.call.createdAt)[0];
        switch (command.type) {
          case 'accept':
            void act('call:accept', command.callId, 'accept');
            return;
          case 'decline':
            void act('call:decline', command.callId, 'decline');
            return;
          case 'answer':
            if (ringing) void act('call:accept', ringing.call.id, 'accept');
            return;
          case 'hangup':
            if (live)
              void act('call:hangup', live.id, live.state === 'active' ? 'hang up' : 'cancel the call');
            return;
          case 'toggle-mute':
            if (live?.state === 'active') void toggle('call:mute', live.id, !live.muted);
            return;
          case 'show-calls':
            document.querySelector<HTMLElement>('.offer-ringing .btn-call')?.focus();
            return;
          case 'open-settings':
            openSettings.current();
            return;
          case 'sign-out':
            return; // DesktopRoot's, which also works while signed out.
        }
      }),
    [act, toggle],
  );
  return null;
}
