import type { ApnsEnvironment, PushOutcome } from '#shared';

/** One VoIP push to one device, retried (when APNs allows) until `deadline`. */
export interface PushRequest {
  deviceId: string;
  /** The device's PushKit token, hex. */
  token: string;
  environment: ApnsEnvironment;
  kind: 'call' | 'cancel';
  /** The JSON body, as built by `buildCallPush` / `buildCancelPush` from `#shared`; sent byte for byte. */
  payload: string;
  /** `apns-collapse-id`: the call id, so a cancel replaces a call push stored for an offline phone. */
  collapseId: string;
  /** Epoch ms: the push is useless after this (also sent as `apns-expiration`); retries stop before it. */
  deadline: number;
  /** Called after every attempt, retried ones included. */
  onAttempt?: (result: PushResult) => void;
  /** Stops retrying (the call was answered elsewhere, say); the last attempt's result is returned. */
  signal?: AbortSignal;
}

/** How one attempt went. */
export interface PushResult {
  outcome: PushOutcome;
  /** HTTP status; null when no answer came (connection error, GOAWAY, timeout). */
  status: number | null;
  /** APNs' reason, or what went wrong on the connection. */
  reason: string | null;
  /** `apns-id` of the attempt (the one APNs answered with, else the one sent). */
  apnsId: string | null;
  latencyMs: number;
  /** 1 for the first attempt. */
  attempt: number;
  /** When the attempt started (epoch ms, the gateway's clock). */
  at: number;
}

/** The last configuration error APNs reported, for the console's settings page. */
export interface PushConfigProblem {
  status: number | null;
  reason: string;
  /** What to fix, in words. */
  message: string;
  environment: ApnsEnvironment;
  at: number;
}

/**
 * A push asked of a gateway that is closing or closed: nothing was sent. Typed, so the server's
 * own teardown (a cancel set off by the last answers in flight) is not logged as a failure.
 */
export class PushGatewayClosedError extends Error {
  constructor() {
    super('the push gateway is closed');
    this.name = 'PushGatewayClosedError';
  }
}

export interface PushGateway {
  /**
   * Sends, retrying retryable failures with backoff until the deadline; resolves with the last
   * attempt's result. Rejects (without sending) a payload APNs would refuse to take, and anything
   * once `close()` was called (PushGatewayClosedError).
   */
  send(req: PushRequest): Promise<PushResult>;
  /** Set when APNs refused our credentials or topic; cleared by the next accepted push. */
  readonly lastConfigError?: PushConfigProblem | null;
  /** Stops retries, waits for requests in flight and shuts the APNs connections down. */
  close(): Promise<void>;
}
