import type { Clock, TimerHandle } from '#shared';

/**
 * How long a phone with a socket has to acknowledge the cancel it got over it before the cancel
 * push goes out too. An acknowledged cancel needs no push: iOS makes the app report every VoIP
 * push to CallKit, so a cancel push after the socket's would show a second, ended call in Recents
 * (issue 21 item 6).
 */
export const CANCEL_ACK_GRACE_MS = 1_000;

/** The graces phones have to acknowledge a socket cancel, on the server's clock. */
export class AckGraces {
  private readonly running = new Map<TimerHandle, () => void>();

  constructor(private readonly clock: Clock) {}

  /** True once the phone acknowledged, false when the grace ran out (or the server stopped) first. */
  wait(acknowledged: Promise<boolean>): Promise<boolean> {
    return new Promise((resolve) => {
      const settle = (acked: boolean) => {
        this.clock.clearTimeout(handle);
        this.running.delete(handle);
        resolve(acked);
      };
      const handle = this.clock.setTimeout(() => settle(false), CANCEL_ACK_GRACE_MS);
      this.running.set(handle, () => settle(false));
      acknowledged.then(settle, () => settle(false));
    });
  }

  /** The server stops: every grace ends now, as if its phone had not answered. */
  endAll(): void {
    for (const end of [...this.running.values()]) end();
  }
}
