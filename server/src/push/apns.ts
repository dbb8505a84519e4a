import { type ApnsEnvironment, type Clock, PushPayloadTooLargeError, VOIP_PAYLOAD_LIMIT } from '#shared';
import type { Logger } from '../ops/logger';
import { sendOnce } from './attempt';
import { configErrorMessage } from './classify';
import { ProviderPool } from './providers';
import { DEFAULT_RETRY, type RetryPolicy, retryUntilDeadline } from './retry';
import {
  type PushConfigProblem,
  type PushGateway,
  PushGatewayClosedError,
  type PushRequest,
  type PushResult,
} from './types';
import { type ApnsCredentialsInput, validateApnsConfig } from './validate';

export interface ApnsGatewayOptions extends ApnsCredentialsInput {
  /** Send every push to this environment, whatever the device reported. */
  forceEnvironment?: ApnsEnvironment;
  /** How long one request may wait for APNs' answer. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** HTTP/2 connections per environment, used in turn. Default 1. */
  connections?: number;
  clock: Clock;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
}

export interface ApnsPushGateway extends PushGateway {
  /** `<bundleId>.voip` */
  readonly topic: string;
  readonly lastConfigError: PushConfigProblem | null;
}

/**
 * VoIP pushes to APNs over HTTP/2 with token (.p8) auth. Three pieces: a provider pool
 * (`providers.ts`: per APNs environment, its connections in `connection.ts` and the provider token
 * of `token.ts`), a retry loop on the injected clock (`retry.ts`), and one attempt (`attempt.ts`,
 * which classifies every answer). This file keeps
 * what they add up to: the last configuration error, and close() that waits for requests in flight.
 * Throws ApnsConfigError at construction when the credentials cannot work.
 */
export function createApnsPushGateway(opts: ApnsGatewayOptions): ApnsPushGateway {
  const creds = validateApnsConfig(opts);
  const { clock } = opts;
  const logger = opts.logger.child({ component: 'apns' });
  const policy: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const providers = new ProviderPool({
    creds,
    requestTimeoutMs: opts.requestTimeoutMs ?? 5000,
    connections: opts.connections ?? 1,
    logger,
  });
  const closing = new AbortController();
  let closed: Promise<void> | null = null;
  let lastConfigError: PushConfigProblem | null = null;

  /** Keeps the configuration error APNs last reported (an accept clears it), logs, tells the caller. */
  const noteAttempt = (req: PushRequest, environment: ApnsEnvironment, result: PushResult) => {
    let hint: string | undefined;
    if (result.outcome === 'accepted' && lastConfigError?.environment === environment) lastConfigError = null;
    if (result.outcome === 'configError') {
      const reason = result.reason ?? '';
      hint = configErrorMessage(result.status, reason, creds.topic);
      lastConfigError = { status: result.status, reason, message: hint, environment, at: result.at };
    }
    // The context object is built only for a line that is written: most pushes log nothing.
    if (result.outcome !== 'accepted' || logger.isLevelEnabled('debug')) {
      logAttempt(logger, { deviceId: req.deviceId, kind: req.kind, environment, ...result }, hint);
    }
    try {
      req.onAttempt?.(result);
    } catch (err) {
      logger.error({ err }, 'onAttempt threw');
    }
  };

  /**
   * The first attempt takes no closure, options object or combined abort signal: most pushes are
   * accepted at once, and with hundreds in flight whatever each one holds while it waits is garbage
   * collection work (bench/README.md). Only a push APNs refused goes on to the retry loop.
   */
  const run = (req: PushRequest): Promise<PushResult> => {
    const environment = opts.forceEnvironment ?? req.environment;
    const provider = providers.get(environment);
    return sendOnce(provider, req, creds.topic, 1, clock).then((result) => {
      noteAttempt(req, environment, result);
      if (result.outcome !== 'retryable' || closing.signal.aborted || req.signal?.aborted) return result;
      return retryUntilDeadline(result, (attempt) => sendOnce(provider, req, creds.topic, attempt, clock), {
        policy,
        clock,
        deadline: req.deadline,
        stop: req.signal ? AbortSignal.any([closing.signal, req.signal]) : closing.signal,
        onAttempt: (r) => noteAttempt(req, environment, r),
        onDeadline: (r) => logGiveUp(logger, req, r),
      });
    });
  };

  let inflight = 0;
  let drained: (() => void) | null = null;
  const settled = () => {
    if (--inflight === 0) drained?.();
  };

  return {
    topic: creds.topic,
    get lastConfigError() {
      return lastConfigError;
    },
    send(req) {
      if (closed) return Promise.reject(new PushGatewayClosedError());
      try {
        checkPayload(req.payload);
      } catch (err) {
        return Promise.reject(err);
      }
      inflight++;
      return run(req).then(
        (result) => {
          settled();
          return result;
        },
        (err: unknown) => {
          settled();
          throw err;
        },
      );
    },
    close() {
      closed ??= (async () => {
        closing.abort(new Error('push gateway closed'));
        if (inflight > 0) await new Promise<void>((resolve) => (drained = resolve));
        await providers.close();
      })();
      return closed;
    },
  };
}

function logAttempt(
  logger: Logger,
  context: PushResult & { deviceId: string; kind: string; environment: ApnsEnvironment },
  hint: string | undefined,
): void {
  switch (context.outcome) {
    case 'accepted':
      if (logger.isLevelEnabled('debug')) logger.debug(context, 'push accepted');
      return;
    case 'configError':
      logger.error({ ...context, hint }, 'APNs configuration error');
      return;
    case 'tokenInvalid':
      logger.info(context, 'APNs says the device token is invalid');
      return;
    default:
      logger.warn(context, 'push attempt failed; may retry');
  }
}

function logGiveUp(logger: Logger, req: PushRequest, result: PushResult): void {
  const { attempt: attempts, status, reason } = result;
  logger.warn(
    { deviceId: req.deviceId, kind: req.kind, attempts, status, reason },
    'push not accepted before its deadline; giving up',
  );
}

/** Refuses what APNs would refuse, before anything is sent; what passes is sent byte for byte. */
function checkPayload(payload: string): void {
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > VOIP_PAYLOAD_LIMIT) throw new PushPayloadTooLargeError(bytes);
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    throw new Error('VoIP push payload is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new Error('VoIP push payload must be a JSON object');
  }
}
