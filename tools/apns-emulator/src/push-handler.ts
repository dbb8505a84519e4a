import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import { type Clock, sleep } from '#shared';
import type { Device, DeviceBook } from './devices';
import { dropConnection, type FaultBook, type QueuedFault, sendGoaway } from './faults';
import type { ProviderTokenVerifier } from './jwt';
import { type CheckedPush, checkEnvelope, checkPush, type Refusal, readHeaders, UUID } from './push-request';
import type { RequestLog } from './request-log';
import type { ApnsEnvironment, Delivery, RecordedRequest } from './types';

export type AnyRequest = IncomingMessage | Http2ServerRequest;
export type AnyResponse = ServerResponse | Http2ServerResponse;

/** What answering a push needs from the emulator around it. */
export interface PushContext {
  environment: ApnsEnvironment;
  clock: Clock;
  verifier: ProviderTokenVerifier;
  devices: DeviceBook;
  faults: FaultBook;
  log: RequestLog;
  acceptUnknownTokens: boolean;
  /** Open TCP connections: the `drop` fault destroys the request's own. */
  sockets: Set<Socket>;
  /** Aborted when the emulator closes: a `delay` fault stops waiting. */
  closing: AbortSignal;
  debug(obj: object, msg: string): void;
}

/** One request, and how it was answered (if it was): recorded when the answer goes out. */
interface Exchange {
  rec: RecordedRequest;
  apnsId: string;
  answer(refusal: Refusal | null): void;
}

/** `POST /3/device/<token>`: a scripted fault first, then APNs' checks in APNs' order, then delivery. */
export async function handleDevicePush(
  ctx: PushContext,
  req: AnyRequest,
  res: AnyResponse,
  path: string,
  body: Buffer,
): Promise<void> {
  const token = path.slice('/3/device/'.length).toLowerCase();
  const { headers, duplicate } = readHeaders(req);
  const ex = exchange(ctx, req, res, { path, token, headers, body });
  if (req.method !== 'POST') return ex.answer({ status: 405, reason: 'MethodNotAllowed' });

  const fault = ctx.faults.take(token);
  if (fault && !(await applyFault(ctx, fault, req, ex))) return;

  const envelope = checkEnvelope(duplicate, headers['apns-id']);
  if (envelope) {
    if (envelope.reason === 'BadMessageId') ex.apnsId = randomUUID();
    return ex.answer(envelope);
  }
  const auth = ctx.verifier.check(headers.authorization, ctx.clock.now());
  if (!auth.ok) return ex.answer({ status: 403, reason: auth.reason });
  const checked = checkPush(token, headers, body);
  if ('refused' in checked) return ex.answer(checked.refused);
  const device = ctx.devices.find(token);
  const refusal = checkDevice(ctx, device, checked.push.app);
  if (refusal) return ex.answer(refusal);

  ex.answer(null);
  ctx.devices.accept(toDelivery(token, ex.apnsId, checked.push, ex.rec.at), device);
}

/** Builds the record of a request and the one function that answers it. */
function exchange(
  ctx: PushContext,
  req: AnyRequest,
  res: AnyResponse,
  r: { path: string; token: string; headers: Record<string, string>; body: Buffer },
): Exchange {
  const requestedId = r.headers['apns-id'];
  const ex: Exchange = {
    apnsId: requestedId !== undefined && UUID.test(requestedId) ? requestedId.toLowerCase() : randomUUID(),
    rec: {
      at: ctx.clock.now(),
      method: req.method ?? '',
      path: r.path,
      token: r.token || null,
      headers: r.headers,
      body: r.body.toString('utf8'),
      status: null,
      reason: null,
      apnsId: null,
      fault: null,
    },
    answer(refusal) {
      const status = refusal?.status ?? 200;
      Object.assign(ex.rec, { status, reason: refusal?.reason ?? null, apnsId: ex.apnsId });
      ctx.log.record(ex.rec);
      const text = refusal ? JSON.stringify({ reason: refusal.reason, ...refusal.extra }) : '';
      try {
        res.writeHead(status, {
          'apns-id': ex.apnsId,
          ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        });
        res.end(text);
      } catch (err) {
        ctx.debug({ err }, 'could not answer (connection gone)');
      }
    },
  };
  return ex;
}

/** Plays a scripted fault. Resolves true when the request goes on to be answered normally. */
async function applyFault(ctx: PushContext, fault: QueuedFault, req: AnyRequest, ex: Exchange) {
  ex.rec.fault = fault.type;
  ctx.debug({ token: ex.rec.token, fault }, 'applying fault');
  switch (fault.type) {
    case 'throttle':
      ex.answer({ status: 429, reason: 'TooManyRequests' });
      return false;
    case 'status':
      ex.answer({
        status: fault.status,
        reason: fault.status === 500 ? 'InternalServerError' : 'ServiceUnavailable',
      });
      return false;
    case 'goaway':
      ctx.log.record(ex.rec);
      sendGoaway(req as Http2ServerRequest, ctx.sockets, (err) => ctx.debug({ err }, 'goaway failed'));
      return false;
    case 'drop':
      ctx.log.record(ex.rec);
      dropConnection(req, ctx.sockets);
      return false;
    case 'delay':
      try {
        await sleep(ctx.clock, fault.ms, ctx.closing);
        return true;
      } catch {
        return false; // the emulator closed while waiting
      }
  }
}

/** What only the emulator's own devices can tell: unknown app or token, wrong environment, 410. */
function checkDevice(ctx: PushContext, device: Device | undefined, app: string): Refusal | null {
  if (!ctx.devices.knowsApp(app) && !(ctx.acceptUnknownTokens && ctx.devices.appCount === 0)) {
    return { status: 400, reason: 'BadTopic' };
  }
  if (!device) return ctx.acceptUnknownTokens ? null : { status: 400, reason: 'BadDeviceToken' };
  if (device.environment !== ctx.environment) return { status: 400, reason: 'BadDeviceToken' };
  if (device.bundleId !== app) return { status: 400, reason: 'DeviceTokenNotForTopic' };
  if (device.unregisteredAt !== null) {
    return { status: 410, reason: 'Unregistered', extra: { timestamp: device.unregisteredAt } };
  }
  return null;
}

function toDelivery(token: string, apnsId: string, push: CheckedPush, at: number): Delivery {
  const { pushType, topic, priority, expiration, collapseId, payload } = push;
  return {
    token,
    apnsId,
    topic,
    pushType,
    priority,
    expiration,
    collapseId,
    payload,
    receivedAt: at,
    deliveredAt: at,
  };
}
