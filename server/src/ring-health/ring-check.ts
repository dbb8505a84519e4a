import {
  type Call,
  type Clock,
  isLive,
  isRingTest,
  type RingFallback,
  seconds,
  silentDetail,
  silentPhones,
} from '#shared';
import { KeyedTimers } from '../calls/keyed-timers';
import type { CallObserver } from '../calls/lifecycle';
import type { LiveCalls } from '../calls/live';
import type { Presence } from '../calls/ports';
import type { CallService } from '../calls/service';
import type { Logger } from '../ops/logger';
import type { DeviceRow, Storage } from '../storage/types';

export interface RingCheckOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  live: Pick<LiveCalls, 'get' | 'isDeviceBusy'>;
  presence: Pick<Presence, 'isDeviceOnline'>;
  /** The call service, once built (it is told of calls through this observer, so it comes after). */
  calls: () => Pick<CallService, 'ringCheck' | 'pushable' | 'hangUpByServer'>;
  /** `--not-rung-after`. */
  afterMs: number;
  track: <T>(p: Promise<T>) => Promise<T>;
}

/**
 * What happens to an outbound call while its phones stay silent (issue 25 item 7). `afterMs` after
 * it is placed, the phones that have not rung are noted on its timeline ("Push accepted, <phone>
 * has not rung yet", which the call panel shows) and, when none has rung, the staff member's
 * fallback joins the ring-all. And a ring test that a phone answers ends at once (item 3).
 *
 * The check's timer lives on the node that placed the call: a node that dies takes its checks with
 * it (the call still rings, and ends at its deadline as any call does); whatever node runs a check,
 * it applies under the call's lock, so it never races the call's other changes.
 */
export class RingCheck implements CallObserver {
  private readonly timers: KeyedTimers;

  constructor(private readonly o: RingCheckOptions) {
    this.timers = new KeyedTimers(o.clock);
  }

  committed(prev: Call | null, next: Call): void {
    const ringing = isLive(next) && next.answeredAt === null;
    if (!ringing) this.timers.clear(next.id);
    if (isRingTest(next) && isLive(next) && next.answeredAt !== null && prev?.answeredAt === null) {
      // A ring test proved the phone rings; nobody is on the other end to talk to.
      this.run(this.o.calls().hangUpByServer(next.id), next.id);
    }
    if (prev !== null || !ringing || next.direction !== 'outbound' || isRingTest(next)) return;
    const due = next.createdAt + this.o.afterMs - this.o.clock.now();
    this.timers.set(next.id, due, () => this.run(this.check(next.id), next.id));
  }

  stop(): void {
    this.timers.close();
  }

  private run(task: Promise<unknown>, callId: string): void {
    void this.o.track(task).catch((err: unknown) => {
      this.o.logger.error({ err, callId }, 'the ring check failed');
    });
  }

  private async check(callId: string): Promise<void> {
    const call = this.o.live.get(callId);
    if (!call || !isLive(call) || call.answeredAt !== null) return;
    const silent = silentPhones(call).map((deviceId) => ({ deviceId, detail: silentDetail(call, deviceId) }));
    // "If no phone rings": a call one phone rang is in hand.
    const fallback = call.state === 'dialing' ? await this.fallbackFor(call) : null;
    if (silent.length === 0 && fallback === null) return;
    await this.o
      .calls()
      .ringCheck(
        callId,
        { type: 'ringCheck', silent, fallback: fallback?.event ?? null },
        fallback?.push ?? [],
      );
  }

  /** The staff member's fallback and which of their phones can ring now, or null without one. */
  private async fallbackFor(call: Call): Promise<{ event: RingFallback; push: DeviceRow[] } | null> {
    const staff = await this.o.storage.staff.get(call.staffId);
    const other = staff?.fallbackStaffId ? await this.o.storage.staff.get(staff.fallbackStaffId) : null;
    if (!staff || !other) return null;
    const devices = await this.o.storage.devices.listByStaff(other.id);
    const free = devices.filter((d) => !this.o.live.isDeviceBusy(d.id));
    const ring = free.filter((d) => this.o.presence.isDeviceOnline(d.id) || this.o.calls().pushable(d));
    const push = ring.filter((d) => this.o.calls().pushable(d));
    const waited = `no phone of ${staff.name} rang in ${seconds(this.o.afterMs)}`;
    const why =
      devices.length === 0
        ? 'no paired phone'
        : free.length === 0
          ? 'in a call'
          : 'no phone that can ring now';
    const detail =
      ring.length > 0
        ? `${waited}: also ringing ${other.name}`
        : `${waited}; ${other.name} cannot be rung (${why})`;
    return {
      event: { staffId: other.id, deviceIds: ring.map((d) => d.id), push: push.map((d) => d.id), detail },
      push,
    };
  }
}
