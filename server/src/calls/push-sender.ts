import { randomUUID } from 'node:crypto';
import { buildCancelPush, type Clock, type PushRecord, type ServerStatus } from '#shared';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import { type PushGateway, PushGatewayClosedError, type PushResult } from '../push';
import type { DeviceRow } from '../storage/types';
import { InFlight } from './in-flight';

/**
 * A test push is retried (throttling, a dropped connection) for this long at most, so its answer
 * comes back before the console's request times out (10 s), and APNs drops it rather than store it
 * for a phone that is offline now and would report a pointless call hours later.
 */
export const TEST_PUSH_MS = 8_000;

export type OnAttempt = (record: PushRecord) => void;

export interface PushSend {
  callId: string;
  device: DeviceRow;
  kind: 'call' | 'cancel';
  payload: string;
  deadline: number;
  onAttempt: OnAttempt;
  /** Stops the retries (a call push whose call is over). */
  signal?: AbortSignal;
}

/**
 * VoIP pushes out to APNs, each attempt counted in the metrics and handed to `onAttempt` as a
 * record for the call. It only sends: what a push means for its call is the push ledger's to say.
 */
export class PushSender {
  private readonly inflight: InFlight;
  private lastProblemAt: number | null = null;

  constructor(
    private readonly o: {
      gateway: PushGateway | null;
      clock: Clock;
      logger: Logger;
      metrics: Metrics;
      /** Told when APNs starts or stops refusing the server's credentials. */
      onStatusChanged?: () => void;
    },
  ) {
    this.inflight = new InFlight((err) => {
      // The server is closing: the last answers in flight set off this push (a cancel sent again,
      // say). Nothing was sent, and nothing went wrong (`send` resolves null, as with no token).
      if (err instanceof PushGatewayClosedError) o.logger.debug('push not sent: the push gateway is closing');
      else o.logger.error({ err }, 'push failed');
    });
  }

  get enabled(): boolean {
    return this.o.gateway !== null;
  }

  /**
   * Whether a VoIP push can ring this phone now: APNs is configured, the phone sent a token and
   * APNs has not refused it since. The one rule for ringing, cancelling and the roster's
   * "reachable".
   */
  canPush(device: Pick<DeviceRow, 'voipToken' | 'tokenInvalidAt'>): boolean {
    return this.enabled && device.voipToken !== null && device.tokenInvalidAt === null;
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

  /** Resolves with APNs' last answer, or null when nothing could be sent (no gateway, no token). */
  send(p: PushSend): Promise<PushResult | null> {
    const gateway = this.o.gateway;
    const token = p.device.voipToken;
    if (!gateway || token === null) return Promise.resolve(null);
    const { device, kind } = p;
    const sent = gateway.send({
      deviceId: device.id,
      token,
      environment: device.apnsEnvironment,
      kind,
      payload: p.payload,
      collapseId: p.callId,
      deadline: p.deadline,
      signal: p.signal,
      onAttempt: (attempt) => {
        this.o.metrics.pushes.inc({ kind, outcome: attempt.outcome });
        this.o.metrics.pushLatency.observe(attempt.latencyMs / 1000);
        this.noticeStatusChange();
        p.onAttempt({
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
    return this.track(sent);
  }

  /**
   * A test push (`push:test`): a cancel for a fresh call id, which the iOS app reports to CallKit
   * and ends at once, so the phone proves the whole path without ringing. Resolves with APNs' last
   * answer, or null when no push can be sent (no gateway, or the phone has no token).
   */
  test(device: DeviceRow): Promise<PushResult | null> {
    const callId = randomUUID();
    return this.send({
      callId,
      device,
      kind: 'cancel',
      payload: buildCancelPush({ callId, reason: 'cancelled' }),
      deadline: this.o.clock.now() + TEST_PUSH_MS,
      onAttempt: () => undefined,
    });
  }

  get pending(): number {
    return this.inflight.size;
  }

  /** Waits for every push in flight (shutdown, tests). */
  drain(): Promise<void> {
    return this.inflight.drain();
  }

  private noticeStatusChange(): void {
    const at = this.o.gateway?.lastConfigError?.at ?? null;
    if (at === this.lastProblemAt) return;
    this.lastProblemAt = at;
    this.o.onStatusChanged?.();
  }

  private track<T>(p: Promise<T>): Promise<T | null> {
    return this.inflight.track(p);
  }
}
