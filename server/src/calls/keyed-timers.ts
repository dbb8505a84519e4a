import type { Clock, TimerHandle } from '#shared';

/** Timers on the injected clock, at most one per key; `close()` clears them all and sets no more. */
export class KeyedTimers {
  private readonly handles = new Map<string, TimerHandle>();
  private closed = false;

  constructor(private readonly clock: Clock) {}

  has(key: string): boolean {
    return this.handles.has(key);
  }

  /** Runs `fire` in `delayMs` (replacing the key's timer, if any). */
  set(key: string, delayMs: number, fire: () => void): void {
    if (this.closed) return;
    this.clear(key);
    const handle = this.clock.setTimeout(
      () => {
        this.handles.delete(key);
        fire();
      },
      Math.max(0, delayMs),
    );
    this.handles.set(key, handle);
  }

  clear(key: string): void {
    const handle = this.handles.get(key);
    if (handle) this.clock.clearTimeout(handle);
    this.handles.delete(key);
  }

  close(): void {
    this.closed = true;
    for (const handle of this.handles.values()) this.clock.clearTimeout(handle);
    this.handles.clear();
  }
}
