import type { AgentAvailability } from '#shared';

/** How often, at most, every console is sent `availability:changed` while agents keep changing. */
export const ANNOUNCE_WINDOW_MS = 100;

export interface AnnouncementsOptions {
  /** The entries of those of `agentIds` that still exist, as they are now: one read for them all. */
  read: (agentIds: string[]) => Promise<AgentAvailability[]>;
  send: (agents: AgentAvailability[]) => void;
  onError: (err: unknown) => void;
  windowMs?: number;
  now?: () => number;
}

/**
 * `availability:changed` goes to every console, so each change costs one WebSocket frame per
 * console: with 20 consoles, the two changes of each call an agent takes (Busy, then back) were
 * most of a call setup's frames (bench/README.md), and each one read the agent's entry. Here a
 * change marks the agent; when no broadcast went out for a window the marked agents are read and
 * sent at once, else at the window's end, all in one read and one broadcast. One send at a time,
 * each reading the entries after the changes that marked them: consoles never get an older entry
 * after a newer one, and a change made during a send marks the agent again.
 *
 * The window is real time, not the server's clock: it bounds how often consoles are written to,
 * which is no deadline of the product, and a test's manual clock would hold broadcasts until
 * someone moved it. `settled()` sends what waits without waiting out the window.
 */
export class Announcements {
  private readonly waiting = new Set<string>();
  private lastSent = Number.NEGATIVE_INFINITY;
  private sending: Promise<void> | null = null;
  /** Ends the wait for the window early. */
  private hurry: (() => void) | null = null;
  private closed = false;
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(private readonly o: AnnouncementsOptions) {
    this.windowMs = o.windowMs ?? ANNOUNCE_WINDOW_MS;
    this.now = o.now ?? (() => performance.now());
  }

  /** The agent's availability may have changed: consoles are told what it is by then. */
  changed(agentId: string): void {
    if (this.closed) return;
    this.waiting.add(agentId);
    this.schedule();
  }

  get busy(): boolean {
    return this.sending !== null;
  }

  /** Resolves once every change so far has been sent, without waiting out the window. */
  async settled(): Promise<void> {
    while (this.sending) {
      this.hurry?.();
      await this.sending;
    }
  }

  /** The server stops: what waits is not sent. */
  close(): void {
    this.closed = true;
    this.waiting.clear();
    this.hurry?.();
  }

  private schedule(): void {
    if (this.sending) return;
    const wait = this.lastSent + this.windowMs - this.now();
    this.sending = new Promise<void>((resolve) => {
      if (wait <= 0) return resolve();
      const timer = setTimeout(resolve, wait);
      this.hurry = () => {
        clearTimeout(timer);
        resolve();
      };
    })
      .then(() => this.send())
      .catch(this.o.onError)
      .finally(() => {
        this.sending = null;
        if (this.waiting.size > 0) this.schedule();
      });
  }

  private async send(): Promise<void> {
    this.hurry = null;
    if (this.closed || this.waiting.size === 0) return;
    this.lastSent = this.now();
    const agentIds = [...this.waiting];
    this.waiting.clear();
    const agents = await this.o.read(agentIds);
    if (!this.closed && agents.length > 0) this.o.send(agents);
  }
}
