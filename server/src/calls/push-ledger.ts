import {
  buildCallPush,
  buildCancelPush,
  type Call,
  type Clock,
  cancelAccepted,
  type EndReason,
  isLive,
  type PushRecord,
  type TimerHandle,
  wasPushed,
} from '#shared';
import type { Logger } from '../ops/logger';
import type { PushResult } from '../push';
import type { DeviceRow, DeviceStore } from '../storage/types';
import type { DeviceDelivery } from './audience';
import { AckGraces } from './cancel-acks';
import { markTokenDead } from './dead-tokens';
import type { CancelJournal, Locks } from './ports';
import { PendingRecords } from './push-records';
import type { PushSender } from './push-sender';

/** Cancels must outlive the ring deadline a little: a completed call may end long after it. */
export const CANCEL_GRACE_MS = 60_000;
/**
 * A call push that got no answer (its connection dropped) may still be delivered by APNs after
 * its cancel: that cancel goes out once more this long after it.
 */
export const UNANSWERED_CANCEL_AGAIN_MS = 3_000;

/** One phone's VoIP pushes for one call, from its call push to its cancel. */
interface Leg {
  /** Stops the call push's retries; null once the leg is cancelled or its call forgotten. */
  retries: AbortController | null;
  /** The call push still waits for APNs' last answer. */
  ringing: boolean;
  /** An attempt of the call push got no answer: APNs may yet deliver it, late. */
  unanswered: boolean;
  /** The cancel sent while the call push was in flight: it goes again if that push may have landed. */
  cancelAgain: (() => void) | null;
}

export interface PushLedgerOptions {
  sender: PushSender;
  /** Read at cancel time: the phone's token may have rotated since it was rung. */
  devices: DeviceStore;
  clock: Clock;
  logger: Logger;
  journal: CancelJournal;
  /** APNs cannot reach this phone (a dead token, the server's credentials refused). */
  unreachable: (callId: string, deviceId: string, detail: string) => Promise<void>;
  /** A phone's token was found dead: its roster entry changed. */
  onStaffChanged: (staffId: string) => void;
  /** Answers wait for the call's next write (`records`): queue one for them. */
  recordsWaiting: (callId: string) => void;
  /** Tracks work set off by APNs' answers, for `drain()`. */
  followUp: (task: Promise<unknown>) => void;
}

/**
 * The one owner of a call's VoIP pushes, from the call push that rings a phone to the cancel that
 * ends it there: their retries, their records on the call, and the rule that a phone pushed a call
 * is left with its cancel as APNs' last word (APNs keeps one push per collapse id for an offline
 * phone, so a call push that lands after its cancel replaces it).
 */
export class PushLedger {
  private readonly legs = new Map<string, Leg>();
  /** APNs answers waiting for the call's next write. */
  readonly records = new PendingRecords();
  /** Cancels to send once more (see UNANSWERED_CANCEL_AGAIN_MS); cleared by `stop()`. */
  private readonly again = new Set<TimerHandle>();
  /** Phones' acknowledgement graces running (see CANCEL_ACK_GRACE_MS). */
  private readonly graces: AckGraces;
  private stopped = false;

  constructor(private readonly o: PushLedgerOptions) {
    this.graces = new AckGraces(o.clock);
  }

  /** Sends each phone the call push that rings it when its app is in the background. */
  ring(call: Call, devices: DeviceRow[]): void {
    for (const device of devices) this.ringOne(call, device);
  }

  /**
   * Notes the cancels this change of a call starts, before the change is stored: a process that
   * dies between the two leaves them to another (the journal).
   */
  async beforeStored(next: Call, devices: DeviceDelivery[], held?: Locks): Promise<void> {
    const cancels = devices
      .filter((d) => d.cancel !== null && wasPushed(next, d.deviceId))
      .map((d) => ({ deviceId: d.deviceId, reason: d.cancel as EndReason }));
    if (cancels.length > 0) await this.o.journal.pending(next.id, cancels, held);
  }

  /**
   * Cancels the call on a phone that was pushed it (the same collapse id replaces the call push).
   * `acknowledged` is the phone's ack of the same cancel over its socket: acknowledged within
   * CANCEL_ACK_GRACE_MS, no cancel push goes to it; otherwise it does (at once for a phone with no
   * socket, `null`).
   */
  cancel(
    call: Call,
    deviceId: string,
    reason: EndReason,
    acknowledged: Promise<boolean> | null = null,
  ): void {
    if (!this.o.sender.enabled) return;
    const key = legKey(call.id, deviceId);
    const leg = this.legs.get(key);
    const retries = leg?.retries ?? null;
    // A call push still being retried (APNs throttling, say) must not land after its cancel.
    retries?.abort(RETRIES_STOPPED);
    if (leg) leg.retries = null;
    if (retries === null && !wasPushed(call, deviceId)) {
      this.tidy(key);
      return;
    }
    const push = () => this.sendCancel(call, deviceId, reason);
    // A call push that may land after this cancel is followed by the cancel again, whatever the
    // phone said: APNs' last word for it must be the cancel (an offline phone keeps only that).
    const again = () => this.o.followUp(push());
    if (leg?.ringing) leg.cancelAgain = again;
    else if (leg?.unanswered) {
      leg.unanswered = false;
      this.later(again);
    }
    this.tidy(key);
    const settled = (result: PushResult | null) => this.cancelSettled(call.id, deviceId, result);
    if (!acknowledged) {
      this.o.followUp(push().then(settled));
      return;
    }
    // This cancel itself waits for the phone's word. The wait is a timer, like a ring deadline,
    // not work in flight: what follows it is tracked.
    void this.graces
      .wait(acknowledged)
      .then((acked) => this.o.followUp((acked ? Promise.resolve(null) : push()).then(settled)));
  }

  /**
   * A cancel whose sender may not have finished it (a previous run of this server, a node that
   * died): sent unless APNs' last word is already a cancel, or the call ended too long ago to ring
   * still. True while it is being sent. `ask` asks the phone over its sockets first, as the first
   * cancel did (`Notifier.cancelDevice`): one that acknowledges (it ended the call, perhaps on the
   * first cancel whose lease was not cleared yet) gets no push, which it would have to show in
   * Recents.
   */
  resend(
    call: Call,
    deviceId: string,
    reason: EndReason,
    ask: () => Promise<boolean> | null = () => null,
  ): boolean {
    // Still live: its end was never stored; whatever ends it sends cancels of its own.
    if (isLive(call) || cancelAccepted(call, deviceId)) return false;
    if ((call.endedAt ?? 0) < this.o.clock.now() - CANCEL_GRACE_MS) return false;
    this.cancel(call, deviceId, reason, ask());
    return true;
  }

  /** A finished call: its remaining retries stop (its cancels were sent before this). */
  forget(call: Call): void {
    for (const { deviceId } of call.devices) {
      const key = legKey(call.id, deviceId);
      const leg = this.legs.get(key);
      if (!leg) continue;
      leg.retries?.abort(RETRIES_STOPPED);
      leg.retries = null;
      // A call push still in flight drops its own note when its answer comes.
      if (!leg.ringing) leg.unanswered = false;
      this.tidy(key);
    }
  }

  /**
   * The server stops: no cancel is sent again later, and one APNs is still refusing stays journaled.
   * A grace still running ends now: its cancel goes out as if the phone had not answered.
   */
  stop(): void {
    this.stopped = true;
    for (const handle of this.again) this.o.clock.clearTimeout(handle);
    this.again.clear();
    this.graces.endAll();
  }

  private ringOne(call: Call, device: DeviceRow): void {
    if (!this.o.sender.enabled || device.voipToken === null) return;
    const key = legKey(call.id, device.id);
    const leg: Leg = { retries: new AbortController(), ringing: true, unanswered: false, cancelAgain: null };
    this.legs.set(key, leg);
    const sent = this.o.sender.send({
      callId: call.id,
      device,
      kind: 'call',
      payload: buildCallPush({
        callId: call.id,
        handle: call.handle,
        callerName: call.callerName,
        video: call.video,
        sentAt: this.o.clock.now(),
        ringUntil: call.ringUntil,
      }),
      deadline: call.ringUntil,
      signal: leg.retries!.signal,
      onAttempt: (record) => {
        if (record.status === null) leg.unanswered = true;
        this.record(call.id, record);
      },
    });
    this.o.followUp(
      sent.then((result) => {
        this.ringAnswered(key, leg, result);
        return result && this.afterRing(call.id, device, result);
      }),
    );
  }

  /** APNs' last word on a call push: a cancel that went out meanwhile goes again if it may have landed. */
  private ringAnswered(key: string, leg: Leg, result: PushResult | null): void {
    leg.ringing = false;
    const cancel = leg.cancelAgain;
    leg.cancelAgain = null;
    if (cancel && result && mayHaveLanded(result)) {
      cancel();
      if (leg.unanswered) this.later(cancel);
    }
    // Over (cancelled, or forgotten): nothing is left to send again for it.
    if (cancel || leg.retries === null) leg.unanswered = false;
    this.tidy(key);
  }

  /** APNs' last word on a call push decides whether the phone stays in the call. */
  private async afterRing(callId: string, device: DeviceRow, result: PushResult): Promise<void> {
    if (result.outcome === 'tokenInvalid') {
      const reason = await markTokenDead(this.o.devices, device, result, this.o.onStaffChanged);
      if (reason !== null) await this.o.unreachable(callId, device.id, `APNs: ${reason}`);
    } else if (result.outcome === 'configError') {
      await this.o.unreachable(callId, device.id, `APNs configuration: ${result.reason}`);
    }
  }

  private async sendCancel(call: Call, deviceId: string, reason: EndReason): Promise<PushResult | null> {
    try {
      const device = await this.o.devices.get(deviceId);
      if (!device || !this.o.sender.canPush(device)) return null;
      return await this.o.sender.send({
        callId: call.id,
        device,
        kind: 'cancel',
        payload: buildCancelPush({ callId: call.id, reason }),
        deadline: Math.max(call.ringUntil, this.o.clock.now() + CANCEL_GRACE_MS),
        onAttempt: (record) => this.record(call.id, record),
      });
    } catch (err) {
      this.o.logger.error({ err }, 'push failed');
      return null;
    }
  }

  /**
   * APNs' last word on a cancel ends its journal entry; a cancel cut short by this server's
   * shutdown keeps it, for another process to send.
   */
  private async cancelSettled(callId: string, deviceId: string, result: PushResult | null): Promise<void> {
    if (this.stopped && result?.outcome === 'retryable') return;
    await this.o.journal.done(callId, deviceId);
  }

  /** Every APNs attempt goes on the call, so the console can show "APNs accepted +38 ms". */
  private record(callId: string, record: PushRecord): void {
    if (this.records.add(callId, record)) this.o.recordsWaiting(callId);
  }

  /** Sends a cancel once more later: a call push with no answer may land after the first one. */
  private later(cancel: () => void): void {
    const handle = this.o.clock.setTimeout(() => {
      this.again.delete(handle);
      cancel();
    }, UNANSWERED_CANCEL_AGAIN_MS);
    this.again.add(handle);
  }

  /** Forgets a leg nothing is left to do for. */
  private tidy(key: string): void {
    const leg = this.legs.get(key);
    if (leg && leg.retries === null && !leg.ringing && !leg.unanswered) this.legs.delete(key);
  }
}

/**
 * Why a call push's retries stop. Aborting without a reason makes Node build a DOMException, with
 * its stack, for every call that ends (0.6 % of a node's CPU in bench:cluster's profile); nobody
 * reads the reason.
 */
const RETRIES_STOPPED = 'the call push is cancelled or its call is over';

const legKey = (callId: string, deviceId: string) => `${callId}/${deviceId}`;

/** Whether a call push may be stored at APNs: it was accepted, or no answer came back to say no. */
const mayHaveLanded = (result: PushResult): boolean =>
  result.outcome === 'accepted' || result.status === null;
