import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  constants,
  createSecureServer,
  type Http2SecureServer,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type ServerHttp2Session,
} from 'node:http2';
import type { Socket } from 'node:net';
import { type Clock, sleep, systemClock } from '#shared';
import { handleControl } from './control';
import { ProviderTokenVerifier } from './jwt';
import { generateTlsCertificate, type TlsMaterial } from './keys';
import type {
  ApnsEnvironment,
  Delivery,
  DeviceRegistration,
  DeviceState,
  Fault,
  ProviderKey,
  RecordedRequest,
} from './types';

/** APNs' payload limits: 5120 bytes for VoIP pushes, 4096 for everything else. */
export const VOIP_MAX_PAYLOAD = 5120;
export const DEFAULT_MAX_PAYLOAD = 4096;
export const MAX_COLLAPSE_ID_BYTES = 64;

/** The `apns-push-type` values Apple accepts, and the topic suffix each one requires. */
const PUSH_TYPE_SUFFIX: Record<string, string> = {
  alert: '',
  background: '',
  location: '.location-query',
  voip: '.voip',
  complication: '.complication',
  fileprovider: '.pushkit.fileprovider',
  mdm: '',
  liveactivity: '.push-type.liveactivity',
  pushtotalk: '.voip-ptt',
  widgets: '.push-type.widgets',
};
const TOPIC_SUFFIXES = Object.entries(PUSH_TYPE_SUFFIX)
  .filter(([, suffix]) => suffix !== '')
  .sort((a, b) => b[1].length - a[1].length);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_TOKEN = /^[0-9a-f]{64,200}$/i;

export interface EmulatorLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const silentLogger: EmulatorLogger = { debug() {}, info() {}, warn() {}, error() {} };

export interface ApnsEmulatorOptions {
  /** Default 0: any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The environment this instance serves (one per instance, like Apple's two hosts). Default sandbox. */
  environment?: ApnsEnvironment;
  /**
   * Reads the time for provider-token ages, `apns-expiration`, timestamps and the `delay` fault.
   * Default: the system clock.
   */
  clock?: Clock;
  /** Provider keys whose tokens are accepted. */
  keys: ProviderKey[];
  /** Accept (and deliver to subscribers of) tokens nobody registered: for benchmarks. Default false. */
  acceptUnknownTokens?: boolean;
  /** App bundle ids known besides those of registered devices (a topic of another app is BadTopic). */
  bundleIds?: string[];
  /** TLS certificate and key; default: a fresh self-signed certificate for localhost. */
  tls?: TlsMaterial;
  /** How many requests `requests()` keeps (oldest dropped first); 0 records nothing. Default 10,000. */
  recordRequests?: number;
  /** HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS advertised to clients. Default 1000. */
  maxConcurrentStreams?: number;
  logger?: EmulatorLogger;
}

export type DeliveryListener = (delivery: Delivery) => void;

export interface ApnsEmulator {
  readonly host: string;
  readonly port: number;
  /** `https://host:port` */
  readonly url: string;
  /** The PEM certificate clients must trust (self-signed: it is its own CA). */
  readonly ca: string;
  readonly environment: ApnsEnvironment;
  /** Registers (or re-registers, which makes an unregistered token valid again) a device token. */
  registerDevice(device: DeviceRegistration): DeviceState;
  device(token: string): DeviceState | undefined;
  /** The token answers 410 Unregistered from now on (timestamp: `at`, default now). */
  unregister(token: string, at?: number): DeviceState;
  /** Offline devices keep pushes (one per collapse id) until they come back or the push expires. */
  setOnline(token: string, online: boolean): DeviceState;
  /** Scripts a fault for one token, or `*` for every token without one of its own. */
  fault(token: string, fault: Fault): void;
  /** Clears the scripted faults of one token, or all of them. */
  clearFaults(token?: string): void;
  /** Calls `listener` for every push delivered to the token; returns the unsubscribe function. */
  subscribe(token: string, listener: DeliveryListener): () => void;
  /** How many listeners (in-process or Server-Sent Events) the token has. */
  subscriberCount(token: string): number;
  /** The last pushes delivered to the token (at most 100). */
  deliveries(token: string): Delivery[];
  /** Recorded requests, oldest first. */
  requests(filter?: { token?: string }): RecordedRequest[];
  clearRequests(): void;
  /** Open client connections (TCP), control API ones included. */
  connections(): number;
  close(): Promise<void>;
}

interface Device {
  token: string;
  bundleId: string;
  environment: ApnsEnvironment;
  online: boolean;
  unregisteredAt: number | null;
  stored: Map<string, Delivery>;
  log: Delivery[];
}

interface QueuedFault {
  fault: Fault;
  remaining: number;
}

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;

/** The emulator's internals that the control API drives. */
export interface EmulatorCore {
  emulator: ApnsEmulator;
  info(): Record<string, unknown>;
  /** Tracks a long-lived response (SSE) so close() can end it. */
  trackStream(res: AnyResponse): () => void;
}

/** Starts an APNs provider API emulator over HTTP/2 + TLS. */
export async function startApnsEmulator(opts: ApnsEmulatorOptions): Promise<ApnsEmulator> {
  const clock = opts.clock ?? systemClock();
  const logger = opts.logger ?? silentLogger;
  const environment = opts.environment ?? 'sandbox';
  const host = opts.host ?? '127.0.0.1';
  const recordLimit = opts.recordRequests ?? 10_000;
  const tls = opts.tls ?? (await generateTlsCertificate());
  const verifier = new ProviderTokenVerifier(opts.keys);
  const apps = new Set(opts.bundleIds ?? []);
  const devices = new Map<string, Device>();
  const faults = new Map<string, QueuedFault[]>();
  const listeners = new Map<string, Set<DeliveryListener>>();
  let recorded: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerHttp2Session>();
  const streams = new Set<AnyResponse>();
  const closing = new AbortController();

  const state = (d: Device): DeviceState => ({
    token: d.token,
    bundleId: d.bundleId,
    environment: d.environment,
    online: d.online,
    unregisteredAt: d.unregisteredAt,
    stored: d.stored.size,
  });
  const mustGet = (token: string): Device => {
    const d = devices.get(token.toLowerCase());
    if (!d) throw new Error(`unknown device token ${token}; register it first`);
    return d;
  };

  const deliver = (delivery: Delivery, device: Device | undefined) => {
    const done = { ...delivery, deliveredAt: clock.now() };
    if (device) {
      device.log.push(done);
      if (device.log.length > 100) device.log.shift();
    }
    for (const listener of [...(listeners.get(done.token) ?? [])]) {
      try {
        listener(done);
      } catch (err) {
        logger.error({ err }, 'delivery listener threw');
      }
    }
  };
  const notExpired = (d: Delivery, now: number) => d.expiration === null || now <= d.expiration * 1000;

  const emulator: ApnsEmulator = {
    host,
    port: 0,
    url: '',
    ca: tls.cert,
    environment,
    registerDevice(reg) {
      const token = reg.token.toLowerCase();
      if (!HEX_TOKEN.test(token)) throw new Error('a device token is 64 to 200 hex digits');
      if (!reg.bundleId || reg.bundleId.endsWith('.voip')) {
        throw new Error('give the app bundle id (without .voip)');
      }
      const existing = devices.get(token);
      const device: Device = {
        token,
        bundleId: reg.bundleId,
        environment: reg.environment ?? environment,
        online: existing?.online ?? true,
        unregisteredAt: null,
        stored: existing?.stored ?? new Map(),
        log: existing?.log ?? [],
      };
      devices.set(token, device);
      apps.add(reg.bundleId);
      return state(device);
    },
    device(token) {
      const d = devices.get(token.toLowerCase());
      return d && state(d);
    },
    unregister(token, at = clock.now()) {
      const d = mustGet(token);
      d.unregisteredAt = at;
      d.stored.clear();
      return state(d);
    },
    setOnline(token, online) {
      const d = mustGet(token);
      d.online = online;
      if (online) {
        const now = clock.now();
        const waiting = [...d.stored.values()];
        d.stored.clear();
        for (const push of waiting) if (notExpired(push, now)) deliver(push, d);
      }
      return state(d);
    },
    fault(token, fault) {
      if (fault.type === 'unregister') {
        if (token === '*') throw new Error('unregister needs a device token');
        emulator.unregister(token);
        return;
      }
      const count = fault.count ?? 1;
      const remaining = count === 'forever' ? Number.POSITIVE_INFINITY : count;
      if (!(remaining >= 1)) throw new Error('a fault count is a positive number or "forever"');
      const key = token === '*' ? '*' : token.toLowerCase();
      const queue = faults.get(key) ?? [];
      queue.push({ fault, remaining });
      faults.set(key, queue);
    },
    clearFaults(token) {
      if (token === undefined) faults.clear();
      else faults.delete(token === '*' ? '*' : token.toLowerCase());
    },
    subscribe(token, listener) {
      const key = token.toLowerCase();
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
      };
    },
    subscriberCount: (token) => listeners.get(token.toLowerCase())?.size ?? 0,
    deliveries(token) {
      return [...(devices.get(token.toLowerCase())?.log ?? [])];
    },
    requests(filter = {}) {
      const token = filter.token?.toLowerCase();
      return token === undefined ? [...recorded] : recorded.filter((r) => r.token === token);
    },
    clearRequests() {
      recorded = [];
    },
    connections: () => sockets.size,
    async close() {
      if (closing.signal.aborted) return;
      closing.abort(new Error('emulator closed'));
      for (const res of streams) res.end();
      for (const session of sessions) session.destroy();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const takeFault = (token: string): Fault | null => {
    for (const key of [token, '*']) {
      const queue = faults.get(key);
      const head = queue?.[0];
      if (!queue || !head) continue;
      head.remaining -= 1;
      if (head.remaining <= 0) queue.shift();
      if (queue.length === 0) faults.delete(key);
      return head.fault;
    }
    return null;
  };

  const record = (r: RecordedRequest) => {
    if (recordLimit <= 0) return;
    recorded.push(r);
    if (recorded.length > recordLimit) recorded.splice(0, recorded.length - recordLimit);
  };

  async function handleDevicePush(req: AnyRequest, res: AnyResponse, path: string, body: Buffer) {
    const at = clock.now();
    const token = path.slice('/3/device/'.length).toLowerCase();
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    // Node joins repeated headers into one value: only the raw list shows a header sent twice.
    const names = new Set<string>();
    let duplicate = false;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!.toLowerCase();
      if (names.has(name)) duplicate = true;
      names.add(name);
    }
    const requestedId = headers['apns-id'];
    let apnsId =
      requestedId !== undefined && UUID.test(requestedId) ? requestedId.toLowerCase() : randomUUID();
    const rec: RecordedRequest = {
      at,
      method: req.method ?? '',
      path,
      token: token || null,
      headers,
      body: body.toString('utf8'),
      status: null,
      reason: null,
      apnsId: null,
      fault: null,
    };
    const answer = (status: number, reason: string | null, extra: Record<string, unknown> = {}) => {
      rec.status = status;
      rec.reason = reason;
      rec.apnsId = apnsId;
      record(rec);
      const text = reason === null ? '' : JSON.stringify({ reason, ...extra });
      try {
        res.writeHead(status, {
          'apns-id': apnsId,
          ...(text ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        });
        res.end(text);
      } catch (err) {
        logger.debug({ err }, 'could not answer (connection gone)');
      }
    };

    if (req.method !== 'POST') return answer(405, 'MethodNotAllowed');

    const fault = takeFault(token);
    if (fault) {
      rec.fault = fault.type;
      logger.debug({ token, fault }, 'applying fault');
      switch (fault.type) {
        case 'throttle':
          return answer(429, 'TooManyRequests');
        case 'status':
          return answer(fault.status, fault.status === 500 ? 'InternalServerError' : 'ServiceUnavailable');
        case 'goaway':
          record(rec);
          return sendGoaway(req);
        case 'drop':
          record(rec);
          return dropConnection(req);
        case 'delay':
          try {
            await sleep(clock, fault.ms, closing.signal);
          } catch {
            return;
          }
          break;
        case 'unregister':
          break;
      }
    }

    if (duplicate) return answer(400, 'DuplicateHeaders');
    if (requestedId !== undefined && !UUID.test(requestedId)) {
      apnsId = randomUUID();
      return answer(400, 'BadMessageId');
    }
    const auth = verifier.check(headers.authorization, clock.now());
    if (!auth.ok) return answer(403, auth.reason);

    if (!token) return answer(400, 'MissingDeviceToken');
    if (!HEX_TOKEN.test(token)) return answer(400, 'BadDeviceToken');

    const pushType = headers['apns-push-type'];
    if (pushType === undefined || !(pushType in PUSH_TYPE_SUFFIX)) return answer(400, 'InvalidPushType');
    const topic = headers['apns-topic'];
    if (!topic) return answer(400, 'MissingTopic');
    const priorityHeader = headers['apns-priority'];
    // Apple takes 10 (now), 5 (power-considerate) and, lately, 1 (low).
    if (priorityHeader !== undefined && !['1', '5', '10'].includes(priorityHeader.trim())) {
      return answer(400, 'BadPriority');
    }
    const priority = priorityHeader === undefined ? 10 : Number(priorityHeader);
    const expirationHeader = headers['apns-expiration'];
    if (expirationHeader !== undefined && !/^\d{1,12}$/.test(expirationHeader.trim())) {
      return answer(400, 'BadExpirationDate');
    }
    const expiration = expirationHeader === undefined ? null : Number(expirationHeader);
    const collapseId = headers['apns-collapse-id'] ?? null;
    if (collapseId !== null && Buffer.byteLength(collapseId, 'utf8') > MAX_COLLAPSE_ID_BYTES) {
      return answer(400, 'BadCollapseId');
    }

    if (body.length === 0) return answer(400, 'PayloadEmpty');
    const limit = pushType === 'voip' ? VOIP_MAX_PAYLOAD : DEFAULT_MAX_PAYLOAD;
    if (body.length > limit) return answer(413, 'PayloadTooLarge');
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      payload = undefined;
    }
    // Apple documents no reason for a body that is not a JSON dictionary; this one is the emulator's.
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      return answer(400, 'BadPayload');
    }

    // The topic must carry the suffix of its push type: a `.voip` topic is for voip pushes only, and
    // a voip push to the bare bundle id is refused like Apple does (the token is the .voip topic's).
    const suffix = PUSH_TYPE_SUFFIX[pushType]!;
    const foreign = TOPIC_SUFFIXES.find(([type, s]) => type !== pushType && topic.endsWith(s));
    if (foreign && !(suffix && topic.endsWith(suffix))) return answer(400, 'InvalidPushType');
    if (suffix && !topic.endsWith(suffix)) return answer(400, 'DeviceTokenNotForTopic');
    const app = suffix ? topic.slice(0, -suffix.length) : topic;

    const device = devices.get(token);
    if (!apps.has(app) && !(opts.acceptUnknownTokens && apps.size === 0)) return answer(400, 'BadTopic');
    if (!device) {
      if (!opts.acceptUnknownTokens) return answer(400, 'BadDeviceToken');
    } else {
      if (device.environment !== environment) return answer(400, 'BadDeviceToken');
      if (device.bundleId !== app) return answer(400, 'DeviceTokenNotForTopic');
      if (device.unregisteredAt !== null) {
        return answer(410, 'Unregistered', { timestamp: device.unregisteredAt });
      }
    }

    answer(200, null);
    const delivery: Delivery = {
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
    if (!device || device.online) return deliver(delivery, device);
    // Offline: expiration 0 means "now or never"; a newer push with the same collapse id replaces.
    if (expiration === 0 || !notExpired(delivery, clock.now())) return;
    const key = collapseId !== null ? `c:${collapseId}` : `id:${apnsId}`;
    device.stored.delete(key);
    device.stored.set(key, delivery);
  }

  function sendGoaway(req: AnyRequest) {
    const stream = (req as Http2ServerRequest).stream;
    if (!stream) return dropConnection(req);
    const session = stream.session;
    try {
      // The faulted stream (and any newer one) was not processed: the client may retry it.
      const lastStreamId = Math.max(0, (stream.id ?? 1) - 2);
      session?.goaway(constants.NGHTTP2_NO_ERROR, lastStreamId, Buffer.from('{"reason":"Shutdown"}'));
      stream.close(constants.NGHTTP2_REFUSED_STREAM);
      session?.close();
    } catch (err) {
      logger.debug({ err }, 'goaway failed');
    }
  }

  function dropConnection(req: AnyRequest) {
    const proxy = req.socket as { remotePort?: number; remoteAddress?: string } | undefined;
    for (const socket of sockets) {
      if (socket.remotePort === proxy?.remotePort && socket.remoteAddress === proxy?.remoteAddress) {
        socket.destroy();
        return;
      }
    }
  }

  const core: EmulatorCore = {
    emulator,
    info: () => ({
      environment,
      url: emulator.url,
      acceptUnknownTokens: opts.acceptUnknownTokens === true,
      devices: [...devices.values()].map(state),
    }),
    trackStream(res) {
      streams.add(res);
      return () => streams.delete(res);
    },
  };

  const server: Http2SecureServer = createSecureServer({
    cert: tls.cert,
    key: tls.key,
    allowHTTP1: true,
    settings: { maxConcurrentStreams: opts.maxConcurrentStreams ?? 1000 },
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('session', (session: ServerHttp2Session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', (err) => logger.debug({ err }, 'session error'));
  });
  server.on('tlsClientError', (err) => logger.debug({ err }, 'TLS client error'));
  server.on('request', (req: AnyRequest, res: AnyResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 65_536) chunks.push(chunk);
    });
    req.on('error', () => {});
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const task = path.startsWith('/_emulator/')
        ? handleControl(core, req, res, body)
        : path.startsWith('/3/device/')
          ? handleDevicePush(req, res, path, body)
          : Promise.resolve(notFound(res));
      task.catch((err) => {
        logger.error({ err }, 'emulator request failed');
        try {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ reason: 'InternalServerError' }));
        } catch {}
      });
    });
  });

  function notFound(res: AnyResponse) {
    res.writeHead(404, { 'apns-id': randomUUID(), 'content-type': 'application/json' });
    res.end(JSON.stringify({ reason: 'BadPath' }));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  Object.assign(emulator, { port, url: `https://${urlHost}:${port}` });
  logger.info({ url: emulator.url, environment }, 'APNs emulator listening');
  return emulator;
}
