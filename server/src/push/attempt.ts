import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import * as apn from '@parse/node-apn';
import type { Clock } from '#shared';
import { classifyApnsResponse } from './classify';
import type { AnyProvider } from './providers';
import type { PushRequest, PushResult } from './types';

/** The fields node-apn puts in a `failed` entry (or throws). */
interface NodeApnFailure {
  'apns-id'?: string;
  status?: number | string;
  response?: { reason?: string; timestamp?: number };
  error?: Error;
  message?: string;
}

const MAX_REASON = 200;
/** A connection that failed because the server's certificate is not trusted: a configuration error. */
const TLS_FAILURE = /certificate|self[- ]signed|unable to verify|altnames|ERR_TLS_CERT/i;

/**
 * One request to APNs, and what came of it. Never throws for an APNs or connection failure: those
 * are results (classified); it throws only for a payload node-apn would not send byte for byte.
 */
export async function sendOnce(
  provider: AnyProvider,
  req: PushRequest,
  body: object,
  o: { topic: string; attempt: number; clock: Clock },
): Promise<PushResult> {
  const note = notification(req, body, o.topic);
  const sentId = note.id;
  const at = o.clock.now();
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
  const common = { latencyMs, attempt: o.attempt, at };
  if (!failure) {
    return { outcome: 'accepted', status: 200, reason: null, apnsId: acceptedId ?? sentId, ...common };
  }
  const { status, reason } = describeFailure(failure);
  return {
    outcome: classifyApnsResponse(status, reason),
    status,
    reason,
    apnsId: failure['apns-id'] ?? sentId,
    ...common,
  };
}

function notification(req: PushRequest, body: object, topic: string): apn.Notification & { id: string } {
  const note = new apn.Notification();
  // rawPayload replaces the whole body (no `aps` is added); node-apn serialises it with
  // JSON.stringify in compile() (untyped in its index.d.ts), whose result it caches and sends.
  note.rawPayload = body;
  if ((note as unknown as { compile(): string }).compile() !== req.payload) {
    throw new Error('VoIP push payload must be compact JSON as JSON.stringify writes it (use buildCallPush)');
  }
  note.pushType = 'voip';
  note.topic = topic;
  note.priority = 10;
  note.expiry = Math.floor(req.deadline / 1000);
  note.collapseId = req.collapseId;
  note.id = randomUUID();
  return note as apn.Notification & { id: string };
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
  return { status, reason: (reason || connectionReason(message, status)).slice(0, MAX_REASON) };
}

/** A reason for a failure APNs gave none for: what went wrong on the way. */
function connectionReason(message: string, status: number | null): string {
  if (message === 'apn write timeout') return 'Timeout';
  if (TLS_FAILURE.test(message)) return `TlsError: ${message}`;
  if (/REFUSED_STREAM|GOAWAY/i.test(message)) return `StreamRefused: ${message}`;
  return status === null ? `ConnectionError: ${message}` : `HTTP ${status}: ${message}`;
}
