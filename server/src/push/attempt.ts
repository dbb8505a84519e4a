import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Clock } from '#shared';
import { classifyApnsResponse } from './classify';
import { ConnectionFailure } from './connection';
import type { Provider } from './providers';
import type { PushRequest, PushResult } from './types';

const MAX_REASON = 200;
/** A connection that failed because the server's certificate is not trusted: a configuration error. */
const TLS_FAILURE = /certificate|self[- ]signed|unable to verify|altnames|ERR_TLS_CERT/i;

/**
 * One request to APNs, and what came of it. Never throws: an APNs refusal or a connection failure
 * is a result, classified.
 */
export async function sendOnce(
  provider: Provider,
  req: PushRequest,
  topic: string,
  attempt: number,
  clock: Clock,
): Promise<PushResult> {
  const sentId = randomUUID();
  const at = clock.now();
  const started = performance.now();
  const answer = await provider.connections.request(
    {
      ':method': 'POST',
      ':path': `/3/device/${req.token}`,
      authorization: provider.token.authorization(),
      'apns-push-type': 'voip',
      'apns-topic': topic,
      'apns-priority': '10',
      'apns-expiration': String(Math.floor(req.deadline / 1000)),
      'apns-collapse-id': req.collapseId,
      'apns-id': sentId,
    },
    req.payload,
  );
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  if (answer instanceof ConnectionFailure) {
    const reason = answer.timedOut ? 'Timeout' : connectionReason(answer.message);
    return {
      outcome: classifyApnsResponse(null, reason),
      status: null,
      reason,
      apnsId: sentId,
      latencyMs,
      attempt,
      at,
    };
  }
  const reason = answer.reason === null ? null : answer.reason.slice(0, MAX_REASON);
  return {
    outcome: classifyApnsResponse(answer.status, reason),
    status: answer.status,
    reason,
    apnsId: answer.apnsId ?? sentId,
    latencyMs,
    attempt,
    at,
  };
}

/** A reason for a failure APNs gave none for: what went wrong on the way. */
function connectionReason(message: string): string {
  const reason = TLS_FAILURE.test(message)
    ? `TlsError: ${message}`
    : /REFUSED_STREAM|GOAWAY/i.test(message)
      ? `StreamRefused: ${message}`
      : `ConnectionError: ${message}`;
  return reason.slice(0, MAX_REASON);
}
