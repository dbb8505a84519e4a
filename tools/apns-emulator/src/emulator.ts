import { randomUUID } from 'node:crypto';
import { createSecureServer, type Http2SecureServer, type ServerHttp2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { type Clock, systemClock } from '#shared';
import { type ControlTarget, handleControl } from './control';
import { DeviceBook } from './devices';
import { FaultBook } from './faults';
import { ProviderTokenVerifier } from './jwt';
import { generateTlsCertificate, type TlsMaterial } from './keys';
import { type AnyRequest, type AnyResponse, handleDevicePush, type PushContext } from './push-handler';
import { RequestLog } from './request-log';
import type { ApnsEmulator, ApnsEnvironment, ProviderKey } from './types';

export { DEFAULT_MAX_PAYLOAD, MAX_COLLAPSE_ID_BYTES, VOIP_MAX_PAYLOAD } from './push-request';
export type { ApnsEmulator, DeliveryListener } from './types';

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

/** Open connections, sessions and event streams: what close() ends. */
interface Connections {
  sockets: Set<Socket>;
  sessions: Set<ServerHttp2Session>;
  streams: Set<AnyResponse>;
}

/**
 * Starts an APNs provider API emulator over HTTP/2 + TLS. Its pieces: `push-request.ts` (APNs'
 * checks, pure), `push-handler.ts` (one push: fault, checks, delivery), `devices.ts` (tokens,
 * offline store, listeners), `faults.ts`, `request-log.ts`, and `control.ts` (the HTTP control API).
 */
export async function startApnsEmulator(opts: ApnsEmulatorOptions): Promise<ApnsEmulator> {
  const clock = opts.clock ?? systemClock();
  const logger = opts.logger ?? silentLogger;
  const environment = opts.environment ?? 'sandbox';
  const host = opts.host ?? '127.0.0.1';
  const tls = opts.tls ?? (await generateTlsCertificate());
  const conns: Connections = { sockets: new Set(), sessions: new Set(), streams: new Set() };
  const closing = new AbortController();
  const ctx: PushContext = {
    environment,
    clock,
    verifier: new ProviderTokenVerifier(opts.keys),
    devices: new DeviceBook({
      environment,
      clock,
      bundleIds: opts.bundleIds,
      onListenerError: (err) => logger.error({ err }, 'delivery listener threw'),
    }),
    faults: new FaultBook(),
    log: new RequestLog(opts.recordRequests ?? 10_000),
    acceptUnknownTokens: opts.acceptUnknownTokens === true,
    sockets: conns.sockets,
    closing: closing.signal,
    debug: (obj, msg) => logger.debug(obj, msg),
  };
  const emulator = facade(ctx, { host, ca: tls.cert }, async () => {
    if (closing.signal.aborted) return;
    closing.abort(new Error('emulator closed'));
    for (const res of conns.streams) res.end();
    for (const session of conns.sessions) session.destroy();
    for (const socket of conns.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const core: ControlTarget = {
    emulator,
    info: () => ({
      environment,
      url: emulator.url,
      acceptUnknownTokens: ctx.acceptUnknownTokens,
      devices: ctx.devices.all(),
    }),
    trackStream(res) {
      conns.streams.add(res);
      return () => conns.streams.delete(res);
    },
  };
  const server = createServer(
    tls,
    opts.maxConcurrentStreams ?? 1000,
    conns,
    logger,
    (req, res, path, body) =>
      path.startsWith('/_emulator/')
        ? handleControl(core, req, res, body)
        : path.startsWith('/3/device/')
          ? handleDevicePush(ctx, req, res, path, body)
          : Promise.resolve(notFound(res)),
  );
  const port = await listen(server, opts.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  Object.assign(emulator, { port, url: `https://${urlHost}:${port}` });
  logger.info({ url: emulator.url, environment }, 'APNs emulator listening');
  return emulator;
}

/** The public face of the emulator over its pieces; `port` and `url` are filled in once it listens. */
function facade(
  ctx: PushContext,
  at: { host: string; ca: string },
  close: () => Promise<void>,
): ApnsEmulator {
  const { devices, faults, log, clock } = ctx;
  const emulator: ApnsEmulator = {
    host: at.host,
    port: 0,
    url: '',
    ca: at.ca,
    environment: ctx.environment,
    registerDevice: (reg) => devices.register(reg),
    device: (token) => devices.state(token),
    unregister: (token, when = clock.now()) => devices.unregister(token, when),
    setOnline: (token, online) => devices.setOnline(token, online),
    fault(token, fault) {
      if (fault.type !== 'unregister') return faults.add(token, fault);
      if (token === '*') throw new Error('unregister needs a device token');
      emulator.unregister(token);
    },
    clearFaults: (token) => faults.clear(token),
    subscribe: (token, listener) => devices.subscribe(token, listener),
    subscriberCount: (token) => devices.subscriberCount(token),
    deliveries: (token) => devices.deliveries(token),
    requests: (filter) => log.list(filter),
    clearRequests: () => log.clear(),
    connections: () => ctx.sockets.size,
    close,
  };
  return emulator;
}

type Route = (req: AnyRequest, res: AnyResponse, path: string, body: Buffer) => Promise<void>;

/** HTTP/2 over TLS (HTTP/1.1 too, for curl and the control API); reads each body, then routes it. */
function createServer(
  tls: TlsMaterial,
  maxConcurrentStreams: number,
  conns: Connections,
  logger: EmulatorLogger,
  route: Route,
): Http2SecureServer {
  const server = createSecureServer({
    cert: tls.cert,
    key: tls.key,
    allowHTTP1: true,
    settings: { maxConcurrentStreams },
  });
  server.on('connection', (socket: Socket) => {
    conns.sockets.add(socket);
    socket.on('close', () => conns.sockets.delete(socket));
  });
  server.on('session', (session: ServerHttp2Session) => {
    conns.sessions.add(session);
    session.on('close', () => conns.sessions.delete(session));
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
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      route(req, res, path, Buffer.concat(chunks)).catch((err) => {
        logger.error({ err }, 'emulator request failed');
        try {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ reason: 'InternalServerError' }));
        } catch {}
      });
    });
  });
  return server;
}

function notFound(res: AnyResponse) {
  res.writeHead(404, { 'apns-id': randomUUID(), 'content-type': 'application/json' });
  res.end(JSON.stringify({ reason: 'BadPath' }));
}

async function listen(server: Http2SecureServer, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
