import { randomUUID } from 'node:crypto';
import {
  buildCallPush,
  buildCancelPush,
  type Call,
  type Clock,
  type EndReason,
  type PushRecord,
  type ServerStatus,
  type TimerHandle,
  wasPushed,
} from '#shared';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { PushGateway, PushResult } from '../push';
import type { DeviceRow, Storage } from '../storage/types';

/** Cancels must outlive the ring deadline a little: a completed call may end long after it. */
export const CANCEL_GRACE_MS = 60_000;
/**
 * A test push is retried (throttling, a dropped connection) for this long at most, so its answer
 * comes back before the console's request times out (10 s), and APNs drops it rather than store it
 * for a phone that is offline now and would report a pointless call hours later.
 */
export const TEST_PUSH_MS = 8_000;
/**
 * A call push that got no answer (its connection dropped) may still be delivered by APNs after
 * its cancel: that cancel goes out once more this long after it.
 */
export const UNANSWERED_CANCEL_AGAIN_MS = 3_000;

export type OnAttempt = (record: PushRecord) => void;

/**
 * The VoIP pushes of calls: one per device to ring it, one per device to cancel it. It only sends
 * and reports: every attempt goes to the caller's `onAttempt` as it happens, the final result is
 * returned, and the call service decides what a dead token or a configuration error means for
 * the call. Retries of a ring stop when its cancel goes out or the call is forgotten.
 */
export class CallPushes {
  private readonly inflight = new Set<Promise<unknown>>();
  /** `${callId}/${deviceId}` sent a call push by this process → stops its retries once over. */
  private readonly rung = new Map<string, AbortController>();
  /** Call pushes still waiting for APNs' answer → the cancel sent meanwhile, if any. */
  private readonly ringsInFlight = new Map<string, { cancel: (() => void) | null }>();
  private lastProblemAt: number | null = null;
  /** `${callId}/${deviceId}` of call pushes with an attempt that got no answer. */
  private readonly unanswered = new Set<string>();
  /** Cancels to send once more (see UNANSWERED_CANCEL_AGAIN_MS); cleared by `stop()`. */
  private readonly again = new Set<TimerHandle>();

  constructor(
    private readonly o: {
      gateway: PushGateway | null;
      /** Read at cancel time: the phone's token may have rotated since it was rung. */
      storage: Storage;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      /** Told when APNs starts or stops refusing the server's credentials. */
      onStatusChanged?: () => void;
    },
  ) {}

  get enabled(): boolean {
    return this.o.gateway !== null;
  }

  /** What consoles are told of APNs: configured or not, and the last configuration error. */
  status(): ServerStatus['apns'] {
    const problem = this.o.gateway?.lastConfigError ?? null;
    return {
      configured: this.o.gateway !== null,
      lastError: problem && {
        status: problem.status,
        reason: problem.reason,
        message: problem.message,
        at: problem.at,
      },
    };
  }

  /** Rings one phone; resolves with APNs' last answer, or null when no push could be sent. */
  ring(call: Call, device: DeviceRow, onAttempt: OnAttempt): Promise<PushResult | null> {
    const token = device.voipToken;
    if (!this.o.gateway || token === null) return Promise.resolve(null);
    const retries = new AbortController();
    this.rung.set(`${call.id}/${device.id}`, retries);
    const payload = buildCallPush({
      callId: call.id,
      handle: call.handle,
      callerName: call.callerName,
      video: call.video,
      sentAt: this.o.clock.now(),
      ringUntil: call.ringUntil,
    });
    const key = `${call.id}/${device.id}`;
    const inFlight = { cancel: null as (() => void) | null };
    this.ringsInFlight.set(key, inFlight);
    const noting: OnAttempt = (record) => {
      if (record.status === null) this.unanswered.add(key);
      onAttempt(record);
    };
    const sent = this.send(call.id, device, 'call', payload, call.ringUntil, noting, retries.signal).then(
      (result) => {
        this.ringsInFlight.delete(key);
        // APNs keeps one push per collapse id for an offline phone: a call push that landed after
        // its cancel replaced it there. Send the cancel again so that it is the last one.
        const cancel = inFlight.cancel;
        if (cancel && mayHaveLanded(result)) {
          cancel();
          if (this.unanswered.has(key)) this.sendAgainLater(cancel);
        }
        // Over (cancelled, or forgotten): nothing is left to send again for it.
        if (cancel || !this.rung.has(key)) this.unanswered.delete(key);
        return result;
      },
      (err: unknown) => {
        this.ringsInFlight.delete(key);
        throw err;
      },
    );
    return this.track(sent);
  }

  /**
   * Cancels a call on a phone that was pushed it (the same collapse id replaces a call push still
   * stored for an offline phone). Resolves with APNs' last answer, or null when none was sent.
   */
  cancel(call: Call, deviceId: string, reason: EndReason, onAttempt: OnAttempt): Promise<PushResult | null> {
    if (!this.o.gateway) return Promise.resolve(null);
    const key = `${call.id}/${deviceId}`;
    const retries = this.rung.get(key);
    // A call push still being retried (APNs throttling, say) must not land after its cancel.
    retries?.abort();
    this.rung.delete(key);
    if (retries === undefined && !wasPushed(call, deviceId)) return Promise.resolve(null);
    const payload = buildCancelPush({ callId: call.id, reason });
    const deadline = Math.max(call.ringUntil, this.o.clock.now() + CANCEL_GRACE_MS);
    const send = async () => {
      const device = await this.o.storage.devices.get(deviceId);
      if (!device?.voipToken || device.tokenInvalidAt !== null) return null;
      return this.send(call.id, device, 'cancel', payload, deadline, onAttempt);
    };
    const ring = this.ringsInFlight.get(key);
    const again = () => void this.track(send());
    if (ring) ring.cancel = again;
    else if (this.unanswered.delete(key)) this.sendAgainLater(again);
    return this.track(send());
  }

  /** Sends a cancel once more later: a call push with no answer may land after the first one. */
  private sendAgainLater(cancel: () => void): void {
    const handle = this.o.clock.setTimeout(() => {
      this.again.delete(handle);
      cancel();
    }, UNANSWERED_CANCEL_AGAIN_MS);
    this.again.add(handle);
  }

  /** The server stops: no cancel is sent again later. */
  stop(): void {
    for (const handle of this.again) this.o.clock.clearTimeout(handle);
    this.again.clear();
  }

  /**
   * A test push (`push:test`): a cancel for a fresh call id, which the iOS app reports to CallKit
   * and ends at once, so the phone proves the whole path without ringing. Resolves with APNs' last
   * answer, or null when no push can be sent (no gateway, or the phone has no token).
   */
  test(device: DeviceRow): Promise<PushResult | null> {
    if (!this.o.gateway || device.voipToken === null) return Promise.resolve(null);
    const callId = randomUUID();
    const payload = buildCancelPush({ callId, reason: 'cancelled' });
    const deadline = this.o.clock.now() + TEST_PUSH_MS;
    return this.track(this.send(callId, device, 'cancel', payload, deadline, () => undefined));
  }

  /** Forgets a finished call: stops its remaining retries (cancels were sent before this). */
  forget(call: Call): void {
    for (const leg of call.devices) {
      const key = `${call.id}/${leg.deviceId}`;
      this.rung.get(key)?.abort();
      this.rung.delete(key);
      // A ring still in flight drops its own note when its answer comes.
      if (!this.ringsInFlight.has(key)) this.unanswered.delete(key);
    }
  }

  get pending(): number {
    return this.inflight.size;
  }

  /** Waits for every push in flight (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private send(
    callId: string,
    device: DeviceRow,
    kind: 'call' | 'cancel',
    payload: string,
    deadline: number,
    onAttempt: OnAttempt,
    signal?: AbortSignal,
  ): Promise<PushResult> {
    const gateway = this.o.gateway!;
    return gateway.send({
      deviceId: device.id,
      token: device.voipToken!,
      environment: device.apnsEnvironment,
      kind,
      payload,
      collapseId: callId,
      deadline,
      signal,
      onAttempt: (attempt) => {
        this.o.metrics.pushes.inc({ kind, outcome: attempt.outcome });
        this.o.metrics.pushLatency.observe(attempt.latencyMs / 1000);
        this.noticeStatusChange();
        onAttempt({
          deviceId: device.id,
          kind,
          at: attempt.at,
          apnsId: attempt.apnsId,
          status: attempt.status,
          reason: attempt.reason,
          outcome: attempt.outcome,
          attempt: attempt.attempt,
          latencyMs: attempt.latencyMs,
        });
      },
    });
  }

  private noticeStatusChange(): void {
    const at = this.o.gateway?.lastConfigError?.at ?? null;
    if (at === this.lastProblemAt) return;
    this.lastProblemAt = at;
    this.o.onStatusChanged?.();
  }

  private track<T>(p: Promise<T>): Promise<T | null> {
    const settled = p.catch((err) => {
      this.o.logger.error({ err }, 'push failed');
      return null;
    });
    this.inflight.add(settled);
    void settled.finally(() => this.inflight.delete(settled));
    return settled;
  }
}

/** Whether a call push may be stored at APNs: it was accepted, or no answer came back to say no. */
const mayHaveLanded = (result: PushResult): boolean =>
  result.outcome === 'accepted' || result.status === null;
