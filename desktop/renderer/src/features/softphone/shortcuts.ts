/**
 * The console's call shortcuts: single keys, so a headset-wearing agent answers without the mouse.
 * Not while typing (a field has focus), not with Ctrl, Alt or ⌘ (the browser's and the app's own
 * shortcuts), and not behind an open dialog, except `?`, which opens the list.
 */
export type ShortcutAction = 'answer' | 'decline' | 'mute' | 'hold' | 'hangup' | 'help';

export const SHORTCUTS: readonly { key: string; action: ShortcutAction; text: string }[] = [
  { key: 'A', action: 'answer', text: 'Answer the ringing call' },
  { key: 'D', action: 'decline', text: 'Decline the ringing call' },
  { key: 'M', action: 'mute', text: 'Mute or unmute your microphone' },
  { key: 'H', action: 'hold', text: 'Hold or resume the call' },
  { key: 'E', action: 'hangup', text: 'End the call (hang up)' },
  { key: '?', action: 'help', text: 'Show these shortcuts' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat: boolean;
  defaultPrevented: boolean;
}

/** Where the key went: typing in a field, or a page behind a modal dialog. */
export interface FocusLike {
  editable: boolean;
  dialogOpen: boolean;
}

export function shortcutFor(e: KeyLike, focus: FocusLike): ShortcutAction | null {
  if (e.defaultPrevented || e.repeat || e.ctrlKey || e.altKey || e.metaKey || focus.editable) return null;
  if (e.key === '?') return 'help';
  if (focus.dialogOpen) return null;
  return SHORTCUTS.find((s) => s.key === e.key.toUpperCase() && s.action !== 'help')?.action ?? null;
}

/** A DOM event's focus: fields take the keys, and a modal dialog makes the page behind it inert. */
export function focusOf(target: EventTarget | null): FocusLike {
  const el = target instanceof HTMLElement ? target : null;
  const editable =
    el !== null &&
    (el.isContentEditable ||
      el instanceof HTMLTextAreaElement ||
      el instanceof HTMLSelectElement ||
      (el instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit'].includes(el.type)));
  return { editable, dialogOpen: document.querySelector('dialog[open]') !== null };
}
