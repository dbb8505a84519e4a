/** How often, at most, the admins' consoles are told to load the Live board again. */
export const LIVE_HINT_WINDOW_MS = 250;

/**
 * `live:changed` carries nothing: each one has every admin's open Live board ask for the whole
 * board again (`supervise:live`). Every call sends two (answered, ended), so an admin watching a
 * team that takes many calls reloaded the board for each of them, and each hint was a WebSocket
 * frame per admin console, two of a setup's twenty (bench/README.md). A hint goes at once at rest;
 * those that come within the window after the last one go as one at the window's end, so a board
 * reloads at most once per window and misses nothing (it reloads after every change).
 *
 * The window is real time, as availability's (announcements.ts): it bounds how often boards
 * reload, which is no deadline of the product, and a test's manual clock would hold hints back.
 */
export class LiveHint {
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly send: () => void,
    private readonly windowMs = LIVE_HINT_WINDOW_MS,
  ) {}

  /** Something the board shows changed: the admins are told, now or at the window's end. */
  changed(): void {
    if (this.closed || this.timer) return;
    const wait = this.last + this.windowMs - performance.now();
    if (wait <= 0) {
      this.fire();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.fire();
    }, wait);
  }

  /** The server stops: a hint still waiting is not sent. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private fire(): void {
    if (this.closed) return;
    this.last = performance.now();
    this.send();
  }
}
