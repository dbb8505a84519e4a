import { setTimeout as sleep } from 'node:timers/promises';
import type { VirtualPhone } from '../../virtual-companion/src';
import type { Budget } from './agents';
import type { Random } from './random';

const hasOpenCall = (phone: VirtualPhone) => [...phone.calls.values()].some((c) => c.state !== 'ended');

/**
 * What the phones do besides answering: lose their network for a moment (the socket drops and
 * reconnects, possibly mid-call), go offline for a while (pushes wait at APNs), and call the
 * consoles themselves, hanging up after a while unless an agent did first.
 */
export class PhoneChaos {
  readonly counts = { drops: 0, midCallDrops: 0, offline: 0, placed: 0, placeRefused: 0 };
  /** Call ids the server acknowledged to a calling phone. */
  readonly acked = new Set<string>();
  private readonly offline = new Set<VirtualPhone>();
  private readonly pending = new Set<Promise<unknown>>();
  private running = false;

  constructor(
    private readonly phones: VirtualPhone[],
    private readonly random: Random,
    private readonly budget: Budget,
  ) {}

  start(): void {
    this.running = true;
    this.track(this.networkLoop());
    this.track(this.callerLoop());
  }

  /** Stops new trouble, brings every phone back online, and waits for what is in flight. */
  async stop(timeoutMs = 30_000): Promise<void> {
    this.running = false;
    await Promise.race([Promise.allSettled([...this.pending]), sleep(timeoutMs)]);
    await Promise.all([...this.offline].map((p) => p.goOnline().catch(() => undefined)));
    this.offline.clear();
  }

  /** Hangs up every call a phone placed that is still open (the soak's wind-down). */
  async hangUpAll(): Promise<void> {
    const ends: Promise<unknown>[] = [];
    for (const phone of this.phones) {
      for (const call of phone.calls.values()) {
        if (call.direction === 'outgoing' && call.state !== 'ended') ends.push(phone.hangup(call.id));
      }
    }
    await Promise.allSettled(ends);
  }

  private async networkLoop(): Promise<void> {
    while (this.running) {
      await sleep(this.random.int(50, 300));
      const phone = this.random.pick(this.phones);
      if (this.offline.has(phone)) continue;
      if (this.random.chance(0.75)) {
        if (phone.connected) {
          this.counts.drops += 1;
          if (hasOpenCall(phone)) this.counts.midCallDrops += 1;
        }
        phone.dropConnection();
        continue;
      }
      this.counts.offline += 1;
      this.offline.add(phone);
      const away = this.random.int(100, 1_500);
      this.track(
        (async () => {
          await phone.goOffline();
          await sleep(away);
          await phone.goOnline();
          this.offline.delete(phone);
        })(),
      );
    }
  }

  private async callerLoop(): Promise<void> {
    while (this.running && this.budget.remaining() > 0) {
      await sleep(this.random.int(20, 250));
      const phone = this.random.pick(this.phones);
      if (this.offline.has(phone) || !phone.connected || hasOpenCall(phone)) continue;
      const talk = this.random.int(300, 3_000);
      this.track(this.placeFrom(phone, talk));
    }
  }

  private async placeFrom(phone: VirtualPhone, talkMs: number): Promise<void> {
    let callId: string;
    try {
      const call = await phone.placeCall();
      callId = call.id;
    } catch {
      this.counts.placeRefused += 1;
      return;
    }
    this.counts.placed += 1;
    this.acked.add(callId);
    this.budget.started(callId);
    await sleep(talkMs);
    if (phone.calls.get(callId)?.state !== 'ended') await phone.hangup(callId);
  }

  private track(task: Promise<unknown>): void {
    const settled = task.catch(() => undefined);
    this.pending.add(settled);
    void settled.finally(() => this.pending.delete(settled));
  }
}
