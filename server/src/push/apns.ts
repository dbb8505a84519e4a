import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as apn from '@parse/node-apn';
import {
  type ApnsEnvironment,
  type Clock,
  PushPayloadTooLargeError,
  sleep,
  VOIP_PAYLOAD_LIMIT,
} from '#shared';
import type { Logger } from '../logger';
import { classifyApnsResponse, configErrorMessage } from './classify';
import type { PushConfigProblem, PushGateway, PushRequest, PushResult } from './types';
import { type ApnsCredentialsInput, validateApnsConfig } from './validate';

export interface RetryPolicy {
  /** Delay before the first retry. */
  baseMs: number;
  /** No delay is longer than this. */
  maxMs: number;
  /** Each delay is this many times the previous one. */
  factor: number;
  /** A multiplier applied to every delay (spreads retries out); return 1 for none. */
  jitter: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  baseMs: 500,
  maxMs: 8000,
  factor: 2,
  jitter: () => 0.8 + Math.random() * 0.4,
};

/** The wait before retry number `retry` (1 = the first retry). */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const raw = policy.baseMs * policy.factor ** (retry - 1);
  return Math.round(Math.min(policy.maxMs, Math.min(policy.maxMs, raw) * policy.jitter()));
}

export interface ApnsGatewayOptions extends ApnsCredentialsInput {
  /** Send every push to this environment, whatever the device reported. */
  forceEnvironment?: ApnsEnvironment;
  /** node-apn's per-request timeout. Default 5000 ms. */
  requestTimeoutMs?: number;
  /** HTTP/2 connections per environment (node-apn MultiProvider when > 1). Default 1. */
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

/** The fields node-apn puts in a `failed` entry (or throws). */
interface NodeApnFailure {
  'apns-id'?: string;
  status?: number | string;
  response?: { reason?: string; timestamp?: number };
  error?: Error;
  message?: string;
}

type AnyProvider = apn.Provider | apn.MultiProvider;

const MAX_REASON = 200;
/** A connection that failed because the server's certificate is not trusted: a configuration error. */
const TLS_FAILURE = /certificate|self[- ]signed|unable to verify|altnames|ERR_TLS_CERT/i;

/**
 * VoIP pushes through @parse/node-apn with token (.p8) auth: one long-lived provider per APNs
 * environment, created on first use, shut down by close(). node-apn's own retries are off
 * (connectionRetryLimit 0): this gateway classifies every answer and retries on its injected clock.
 * Throws ApnsConfigError at construction when the credentials cannot work.
 */
export function createApnsPushGateway(opts: ApnsGatewayOptions): ApnsPushGateway {
  const creds = validateApnsConfig(opts);
  const { clock } = opts;
  const logger = opts.logger.child({ component: 'apns' });
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const requestTimeout = opts.requestTimeoutMs ?? 5000;
  const providers = new Map<ApnsEnvironment, AnyProvider>();
  const inflight = new Set<Promise<unknown>>();
  const closing = new AbortController();
  let closed: Promise<void> | null = null;

  const providerFor = (environment: ApnsEnvironment): AnyProvider => {
    let provider = providers.get(environment);
    if (provider) return provider;
    const options: apn.MultiProviderOptions = {
      token: { key: creds.keyPem, keyId: creds.keyId, teamId: creds.teamId },
      production: environment === 'production',
      requestTimeout,
      connectionRetryLimit: 0,
      ...(creds.endpoint
        ? {
            address: creds.endpoint.address,
            port: creds.endpoint.port,
            ...(creds.endpoint.ca ? { ca: [creds.endpoint.ca] } : {}),
          }
        : {}),
    };
    const connections = opts.connections ?? 1;
    provider =
      connections > 1
        ? new apn.MultiProvider({ ...options, clientCount: connections })
        : new apn.Provider(options);
    providers.set(environment, provider);
    logger.info(
      {
        environment,
        endpoint: creds.endpoint ? `${creds.endpoint.address}:${creds.endpoint.port}` : 'apple',
      },
      'APNs provider created',
    );
    return provider;
  };

  const gateway: ApnsPushGateway = {
    topic: creds.topic,
    lastConfigError: null,

    async send(req: PushRequest): Promise<PushResult> {
      if (closed) throw new Error('the push gateway is closed');
      const body = checkPayload(req.payload);
      const environment = opts.forceEnvironment ?? req.environment;
      const provider = providerFor(environment);
      const task = run(provider, environment, req, body);
      inflight.add(task);
      try {
        return await task;
      } finally {
        inflight.delete(task);
      }
    },

    close() {
      closed ??= (async () => {
        closing.abort(new Error('push gateway closed'));
        await Promise.allSettled([...inflight]);
        await Promise.all([...providers.values()].map(shutdownProvider));
        providers.clear();
      })();
      return closed;
    },
  };

  async function run(
    provider: AnyProvider,
    environment: ApnsEnvironment,
    req: PushRequest,
    body: object,
  ): Promise<PushResult> {
    const signals = [closing.signal, ...(req.signal ? [req.signal] : [])];
    const stop = signals.length > 1 ? AbortSignal.any(signals) : closing.signal;
    for (let attempt = 1; ; attempt++) {
      const result = await attemptOnce(provider, environment, req, body, attempt);
      try {
        req.onAttempt?.(result);
      } catch (err) {
        logger.error({ err }, 'onAttempt threw');
      }
      if (result.outcome !== 'retryable' || stop.aborted) return result;
      const delay = backoffDelay(retry, attempt);
      if (clock.now() + delay >= req.deadline) {
        logger.warn(
          {
            deviceId: req.deviceId,
            kind: req.kind,
            attempts: attempt,
            status: result.status,
            reason: result.reason,
          },
          'push not accepted before its deadline; giving up',
        );
        return result;
      }
      try {
        await sleep(clock, delay, stop);
      } catch {
        return result;
      }
    }
  }

  async function attemptOnce(
    provider: AnyProvider,
    environment: ApnsEnvironment,
    req: PushRequest,
    body: object,
    attempt: number,
  ): Promise<PushResult> {
    const note = new apn.Notification();
    // rawPayload replaces the whole body (no `aps` is added); node-apn serialises it with
    // JSON.stringify in compile() (untyped in its index.d.ts), whose result it caches and sends.
    note.rawPayload = body;
    if ((note as unknown as { compile(): string }).compile() !== req.payload) {
      throw new Error(
        'VoIP push payload must be compact JSON as JSON.stringify writes it (use buildCallPush)',
      );
    }
    note.pushType = 'voip';
    note.topic = creds.topic;
    note.priority = 10;
    note.expiry = Math.floor(req.deadline / 1000);
    note.collapseId = req.collapseId;
    const sentId = randomUUID();
    note.id = sentId;
    const at = clock.now();
    const started = performance.now();
    let failure: NodeApnFailure | null = null;
    let acceptedId: string | undefined;
    try {
      const response = await provider.send(note, req.token);
      const sent = response.sent[0] as { 'apns-id'?: string } | undefined;
      if (sent) acceptedId = sent['apns-id'];
      else failure = (response.failed[0] as NodeApnFailure | undefined) ?? { message: 'no response' };
    } catch (err) {
      failure = err as NodeApnFailure;
    }
    const latencyMs = Math.round((performance.now() - started) * 100) / 100;

    if (!failure) {
      if (gateway.lastConfigError?.environment === environment) {
        (gateway as { lastConfigError: PushConfigProblem | null }).lastConfigError = null;
      }
      const result: PushResult = {
        outcome: 'accepted',
        status: 200,
        reason: null,
        apnsId: acceptedId ?? sentId,
        latencyMs,
        attempt,
        at,
      };
      if (logger.isLevelEnabled('debug')) {
        logger.debug({ deviceId: req.deviceId, kind: req.kind, environment, ...result }, 'push accepted');
      }
      return result;
    }

    const { status, reason } = describeFailure(failure);
    const outcome = classifyApnsResponse(status, reason);
    const result: PushResult = {
      outcome,
      status,
      reason,
      apnsId: failure['apns-id'] ?? sentId,
      latencyMs,
      attempt,
      at,
    };
    const context = { deviceId: req.deviceId, kind: req.kind, environment, ...result };
    if (outcome === 'configError') {
      const problem: PushConfigProblem = {
        status,
        reason,
        message: configErrorMessage(status, reason, creds.topic),
        environment,
        at,
      };
      (gateway as { lastConfigError: PushConfigProblem | null }).lastConfigError = problem;
      logger.error({ ...context, hint: problem.message }, 'APNs configuration error');
    } else if (outcome === 'tokenInvalid') {
      logger.info(context, 'APNs says the device token is invalid');
    } else {
      logger.warn(context, 'push attempt failed; may retry');
    }
    return result;
  }

  return gateway;
}

interface NodeApnClient {
  session?: { destroyed: boolean } | null;
  manageChannelsSession?: { destroyed: boolean } | null;
}

/**
 * node-apn 8.1's shutdown() waits for `session.close()`'s callback, which Node never calls for a
 * session that is already destroyed (after a refused connection, a TLS failure or a dropped
 * socket): shutdown would hang forever. Such sessions hold nothing, so forget them first.
 */
function shutdownProvider(provider: AnyProvider): Promise<void> {
  const client = (provider as unknown as { client?: NodeApnClient & { clients?: NodeApnClient[] } }).client;
  for (const c of client?.clients ?? (client ? [client] : [])) {
    if (c.session?.destroyed) c.session = null;
    if (c.manageChannelsSession?.destroyed) c.manageChannelsSession = null;
  }
  return new Promise<void>((resolve) => provider.shutdown(() => resolve()));
}

/** Refuses what APNs would refuse, before anything is sent. */
function checkPayload(payload: string): object {
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
  // node-apn serialises `rawPayload` with JSON.stringify: the body goes out byte for byte only when
  // it already is JSON.stringify's output (as #shared's encodePushBody makes it). attemptOnce checks.
  return body;
}

/** Status and reason from whatever node-apn reported for a failed request. */
function describeFailure(f: NodeApnFailure): { status: number | null; reason: string } {
  const message = f.error?.message ?? f.message ?? 'unknown error';
  let status = typeof f.status === 'number' ? f.status : null;
  if (status === null) {
    // node-apn reports a non-200 answer with an empty body only in its message.
    const m = /with status (\d{3}) and empty body/.exec(message);
    if (m) status = Number(m[1]);
  }
  let reason = f.response?.reason;
  if (!reason && status !== null) {
    // node-apn keeps these two reasons in the error message only.
    if (status === 500) reason = 'InternalServerError';
    else if (/^\w+$/.test(message)) reason = message;
  }
  if (!reason) {
    reason =
      message === 'apn write timeout'
        ? 'Timeout'
        : TLS_FAILURE.test(message)
          ? `TlsError: ${message}`
          : /REFUSED_STREAM|GOAWAY/i.test(message)
            ? `StreamRefused: ${message}`
            : status === null
              ? `ConnectionError: ${message}`
              : `HTTP ${status}: ${message}`;
  }
  return { status, reason: reason.slice(0, MAX_REASON) };
}
