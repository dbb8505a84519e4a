import { useEffect, useRef, useState } from 'react';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { Dialog } from '../../ui/Dialog';
import { useCallActions, useCallControls } from '../call';
import { focusOf, SHORTCUTS, type ShortcutAction, shortcutFor } from './shortcuts';

/** The offer that rings now (the oldest one nobody took), as the incoming panel shows it first. */
const ringingOffer = () =>
  Object.values(consoleStore.getState().offers)
    .filter((o) => !o.taken && o.call.state !== 'ended')
    .sort((a, b) => a.call.createdAt - b.call.createdAt)[0]?.call ?? null;

/**
 * Answer, decline, mute, hold and hang up from the keyboard, on whatever screen is open; `?`
 * lists them. Each does what the matching button does (useCallControls, useCallActions).
 */
export function CallShortcuts() {
  const [open, setOpen] = useState(false);
  const call = useConsole((s) => {
    const focused = s.focusedCallId ? s.calls[s.focusedCallId] : undefined;
    return focused && focused.state !== 'ended' ? focused : null;
  });
  const { act } = useCallActions();
  const controls = useCallControls(call);
  const dismissOffer = useConsole((s) => s.dismissOffer);
  // The listener is added once; what it acts on is read when a key comes.
  const latest = useRef({ call, controls, act, dismissOffer });
  latest.current = { call, controls, act, dismissOffer };

  useEffect(() => {
    const run = async (action: ShortcutAction) => {
      const { call, controls, act, dismissOffer } = latest.current;
      const offer = ringingOffer();
      switch (action) {
        case 'help':
          setOpen(true);
          return;
        case 'answer':
          if (offer) await act('call:accept', offer.id, 'accept');
          return;
        case 'decline':
          if (offer && (await act('call:decline', offer.id, 'decline')).ok) dismissOffer(offer.id);
          return;
        case 'mute':
          if (call) await controls.mute(!controls.muted);
          return;
        case 'hold':
          if (call?.answeredAt) await controls.hold(!call.held);
          return;
        case 'hangup':
          controls.hangUp();
          return;
      }
    };
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e, focusOf(e.target));
      if (!action) return;
      e.preventDefault();
      void run(action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!open) return null;
  return (
    <Dialog title="Keyboard shortcuts" onClose={() => setOpen(false)} close="Close" className="shortcuts">
      <dl className="shortcut-list">
        {SHORTCUTS.map((s) => (
          <div key={s.key} className="shortcut-row">
            <dt>
              <kbd>{s.key}</kbd>
            </dt>
            <dd>{s.text}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Not while typing in a field. They act on the call shown in the Calls panel.</p>
    </Dialog>
  );
}
