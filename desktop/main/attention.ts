import type { ConsoleSnapshot } from '../preload/contract';

/** What the app must do about the agent's attention: notifications and the badge. */
export type AttentionEffect =
  /** Buttons (Accept, Decline) where the platform has them, which is macOS. */
  | { type: 'notify-incoming'; callId: string; caller: string; withActions: boolean }
  | { type: 'close-incoming'; callId: string }
  | { type: 'notify-missed'; callId: string; caller: string }
  /** A phone turned Not ringing or Token invalid: an admin should know before its calls are missed. */
  | { type: 'notify-health'; deviceId: string; title: string; body: string }
  | { type: 'badge'; count: number }
  /** The taskbar button (the dock on macOS) asks for attention while a call rings unseen. */
  | { type: 'flash'; on: boolean };

/**
 * Turns the console's state into notifications and the dock/taskbar badge. A ringing call is
 * notified when the window is not focused (the panel shows it otherwise), and its notification
 * closed as soon as it stops ringing; a call that ended unanswered while the window was not
 * focused is notified and counted on the badge until the window is focused again.
 */
export class Attention {
  private readonly ringing = new Set<string>();
  private readonly missedKnown = new Set<string>();
  private readonly unseen = new Set<string>();
  private flashing = false;
  /** Health alerts notified, by phone and time: the server sends one per change, and so does this. */
  private readonly alerted = new Set<string>();

  constructor(private readonly o: { actionsSupported: boolean }) {}

  get missedCount(): number {
    return this.unseen.size;
  }

  update(snapshot: ConsoleSnapshot, focused: boolean): AttentionEffect[] {
    const effects: AttentionEffect[] = [];
    // Another window (or a browser tab) is the softphone: it rings, this one stays quiet.
    const ringingHere = snapshot.rings ? snapshot.ringing : [];
    const now = new Set(ringingHere.map((r) => r.callId));
    for (const { callId, caller } of ringingHere) {
      if (this.ringing.has(callId)) continue;
      this.ringing.add(callId);
      if (!focused)
        effects.push({ type: 'notify-incoming', callId, caller, withActions: this.o.actionsSupported });
    }
    for (const callId of [...this.ringing]) {
      if (now.has(callId)) continue;
      this.ringing.delete(callId);
      effects.push({ type: 'close-incoming', callId });
    }
    const before = this.unseen.size;
    for (const { callId, caller } of snapshot.missed) {
      if (this.missedKnown.has(callId)) continue;
      this.missedKnown.add(callId);
      if (focused) continue;
      this.unseen.add(callId);
      effects.push({ type: 'notify-missed', callId, caller });
    }
    if (this.unseen.size !== before) effects.push({ type: 'badge', count: this.unseen.size });
    // A minimized or hidden window still rings; the flash says where, until it is seen or stops.
    const flash = !focused && this.ringing.size > 0;
    if (flash !== this.flashing) {
      this.flashing = flash;
      effects.push({ type: 'flash', on: flash });
    }
    for (const alert of snapshot.healthAlerts ?? []) {
      const key = `${alert.deviceId}@${alert.at}`;
      if (this.alerted.has(key)) continue;
      this.alerted.add(key);
      // A focused window shows it as a banner already.
      if (!focused)
        effects.push({
          type: 'notify-health',
          deviceId: alert.deviceId,
          title: alert.title,
          body: alert.body,
        });
    }
    return effects;
  }

  /** The window got focus: the agent sees the console, so nothing is unseen any more. */
  focused(): AttentionEffect[] {
    const effects: AttentionEffect[] = [];
    if (this.flashing) {
      this.flashing = false;
      effects.push({ type: 'flash', on: false });
    }
    if (this.unseen.size === 0) return effects;
    this.unseen.clear();
    return [...effects, { type: 'badge', count: 0 }];
  }
}
