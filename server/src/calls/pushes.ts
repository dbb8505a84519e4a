import type { Clock } from '#shared';
import {
  buildCallPush,
  buildCancelPush,
  type Call,
  type EndReason,
  type PushRecord,
  recordPush,
} from '#shared';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { PushGateway, PushResult } from '../push';
import type { DeviceRow, Storage } from '../storage/types';

/** What CallPushes tells the call service about; set once both exist. */
export interface PushSink {
  pushRecorded(callId: string, mutate: (call: Call) => Call): Promise<void>;
  legUnreachable(callId: string, deviceId: string, detail: string): Promise<void>;
  tokenInvalidated(device: DeviceRow): void;
}

/** Cancels must outlive the ring deadline a little: a completed call may end long after it. */
const CANCEL_GRACE_MS = 60_000;

/**
 * The VoIP pushes of calls: one per device to ring it, one per device to cancel it. Each APNs
 * attempt is recorded on the call (so the console can show "APNs accepted +38 ms"); a dead token
 * is marked invalid and drops that phone from the ring.
 */
export class CallPushes {
  private sink: PushSink | null = null;
  private readonly inflight = new Set<Promise<void>>();
  /** `${callId}/${deviceId}` sent a call push by this process → stops its retries once over. */
  private readonly rung = new Map<string, AbortController>();

  constructor(
    private readonly o: {
      gateway: PushGateway | null;
      storage: Storage;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
    },
  ) {}

  get enabled(): boolean {
    return this.o.gateway !== null;
  }

  attach(sink: PushSink): void {
    this.sink = sink;
  }

  ring(call: Call, device: DeviceRow): void {
    const token = device.voipToken;
    if (!this.o.gateway || token === null) return;
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
    this.track(async () => {
      const result = await this.send(call.id, device, 'call', payload, call.ringUntil, retries.signal);
      if (result.outcome === 'tokenInvalid') {
        const reason = `${result.status ?? ''} ${result.reason ?? 'token rejected'}`.trim();
        const changed = await this.o.storage.devices.markTokenInvalid(device.id, token, reason, result.at);
        if (changed) this.sink?.tokenInvalidated(changed);
        await this.sink?.legUnreachable(call.id, device.id, `APNs: ${reason}`);
      } else if (result.outcome === 'configError') {
        await this.sink?.legUnreachable(call.id, device.id, `APNs configuration: ${result.reason}`);
      }
    });
  }

  /** Sends a cancel to a phone that was pushed this call (the same collapse id replaces it). */
  cancel(call: Call, deviceId: string, reason: EndReason): void {
    if (!this.o.gateway) return;
    const key = `${call.id}/${deviceId}`;
    const retries = this.rung.get(key);
    // A call push still being retried (APNs throttling, say) must not land after its cancel.
    retries?.abort();
    this.rung.delete(key);
    const wasRung =
      retries !== undefined || call.pushes.some((p) => p.deviceId === deviceId && p.kind === 'call');
    if (!wasRung) return;
    const payload = buildCancelPush({ callId: call.id, reason });
    const deadline = Math.max(call.ringUntil, this.o.clock.now() + CANCEL_GRACE_MS);
    this.track(async () => {
      const device = await this.o.storage.devices.get(deviceId);
      if (device?.voipToken && device.tokenInvalidAt === null) {
        await this.send(call.id, device, 'cancel', payload, deadline);
      }
    });
  }

  /** Forgets a finished call: stops its remaining retries (cancels were sent before this). */
  forget(call: Call): void {
    for (const leg of call.devices) {
      const key = `${call.id}/${leg.deviceId}`;
      this.rung.get(key)?.abort();
      this.rung.delete(key);
    }
  }

  /** Waits for every push in flight (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private async send(
    callId: string,
    device: DeviceRow,
    kind: 'call' | 'cancel',
    payload: string,
    deadline: number,
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
        const record: PushRecord = {
          deviceId: device.id,
          kind,
          at: attempt.at,
          apnsId: attempt.apnsId,
          status: attempt.status,
          reason: attempt.reason,
          outcome: attempt.outcome,
          attempt: attempt.attempt,
          latencyMs: attempt.latencyMs,
        };
        this.track(
          () => this.sink?.pushRecorded(callId, (call) => recordPush(call, record)) ?? Promise.resolve(),
        );
      },
    });
  }

  private track(task: () => Promise<void>): void {
    const p: Promise<void> = task()
      .catch((err) => this.o.logger.error({ err }, 'push task failed'))
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }
}
