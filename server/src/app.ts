import type { Server as HttpServer } from 'node:http';
import { Server as IoServer } from 'socket.io';
import { Decoder } from 'socket.io-parser';
import { type Clock, PROTOCOL_VERSION, type ServerStatus, systemClock } from '#shared';
import { PairingService } from './auth/pairing';
import { SocketLimiter } from './auth/rate-limit';
import { serverLimits } from './auth/server-limits';
import { SessionAuth } from './auth/session-auth';
import { SessionWatch } from './auth/sessions';
import { withAvailability } from './availability/core';
import { Availability } from './availability/service';
import { Callbacks } from './callbacks/service';
import { LiveCalls } from './calls/live';
import type { CallPorts } from './calls/ports';
import { PushSender } from './calls/push-sender';
import { sendTestPush } from './calls/push-test';
import { CallService } from './calls/service';
import { singleNodePorts } from './calls/single-node';
import { type ClusterNode, type ClusterOptions, joinCluster } from './cluster';
import { clusterCallPorts } from './cluster/calls';
import { DEFAULT_SERVER_CONFIG, type ServerConfig } from './config/server';
import { attachAgentGateway } from './gateways/agent';
import { attachDeviceGateway } from './gateways/device';
import { KnownJsonEncoder } from './gateways/encoder';
import { type AgentNamespace, type DeviceNamespace, Hub } from './gateways/hub';
import { enforceRouteAccess } from './http/access';
import { apiRoutes } from './http/api';
import { createHttpApp } from './http/app';
import { auditRoutes } from './http/audit';
import { clientAddresses } from './http/client-address';
import { baseUrl, serverHandle } from './http/handle';
import { healthRoutes } from './http/health';
import { operationRoutes } from './http/operations';
import { originPolicy } from './http/origins';
import { serveContract } from './http/routes';
import { checkTls, pinnedFingerprint } from './http/tls';
import { DEFAULT_WEB_ROOT } from './http/web';
import { createLogger, type Logger } from './ops/logger';
import { countCallReruns, createMetrics } from './ops/metrics';
import { StorageHealth } from './ops/storage-health';
import type { PushGateway } from './push';
import { createRingHealth } from './ring-health';
import { Roster } from './roster/roster';
import { Softphones } from './softphone/softphones';
import { keepOwnRows } from './storage/own-rows';
import type { Storage } from './storage/types';
import { Supervisions } from './supervise/supervisions';
import { AuditLog } from './team/audit';
import { snapshotRoutes } from './video/routes';
import { VideoService } from './video/service';

export interface ServerDeps {
  storage: Storage;
  config?: Partial<ServerConfig>;
  push?: PushGateway | null;
  clock?: Clock;
  logger?: Logger;
  /** Run as one node of a cluster (Redis and a shared PostgreSQL); absent, a single server. */
  cluster?: ClusterOptions;
}

export type SwitchboardServer = Awaited<ReturnType<typeof createServer>>;

/** What every part of the server shares: configuration, clock, logs, metrics, rooms, in-flight work. */
interface Base {
  config: ServerConfig;
  /** Every call watched by `storageHealth`. */
  storage: Storage;
  storageHealth: StorageHealth;
  clock: Clock;
  logger: Logger;
  metrics: ReturnType<typeof createMetrics>;
  hub: Hub;
  cluster: ClusterNode | null;
  track: <T>(p: Promise<T>) => Promise<T>;
}

/**
 * Builds the whole call server without listening: tests start it on port 0, the CLI on its
 * configured port, the desktop app inside Electron's main process. `close()` finishes what is in
 * flight (acks, pushes), closes every socket, the push provider and the database.
 */
export async function createServer(deps: ServerDeps) {
  // A key that does not fit its certificate is refused here, in words, not at the first handshake.
  if (deps.config?.tls) checkTls(deps.config.tls);
  const inflight = new Set<Promise<unknown>>();
  const logger = deps.logger ?? createLogger();
  const clock = deps.clock ?? systemClock();
  // Told once the consoles' status exists (below): consoles show why the server cannot save.
  let storageChanged = () => {};
  const storageHealth = new StorageHealth({ clock, logger, onChange: () => storageChanged() });
  // A single server is the only writer of its staff and phones; a cluster node is one of several,
  // and keeps them by the tables' versions read with its locks (cluster/shared-rows.ts).
  if (!deps.cluster) keepOwnRows(deps.storage);
  const storage = storageHealth.watch(deps.storage);
  const cluster = deps.cluster ? await joinCluster(deps.cluster, logger, storage) : null;
  const base: Base = {
    config: { ...DEFAULT_SERVER_CONFIG, ...deps.config },
    storage,
    storageHealth,
    clock,
    logger,
    metrics: createMetrics(),
    hub: cluster?.hub ?? new Hub(),
    cluster,
    track: (p) => {
      inflight.add(p);
      void p.finally(() => inflight.delete(p)).catch(() => undefined);
      return p;
    },
  };
  if (cluster) countCallReruns(base.metrics, () => cluster.callCopies.rerunsUnderLock);
  const core = buildCalls(base, deps.push ?? null);
  storageChanged = () => base.hub.toAgents('server:status', core.serverStatus());
  const transports = await attachTransports(base, core);
  await core.availability.start();
  await core.ports.start(withAvailability(core.calls, core.availability));

  // A push result can lead to a cancel push, whose answer is recorded on the call: settle until quiet.
  const idle = async (): Promise<void> => {
    do {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
      await core.pushes.drain();
      await core.calls.drain();
      await core.roster.settled();
      await core.availability.settled();
    } while (inflight.size + core.pushes.pending + core.calls.pending + core.availability.pending > 0);
  };
  const close = async () => {
    core.calls.close();
    core.availability.close();
    core.roster.close();
    core.supervisions.close();
    core.ring.stop();
    core.ports.stop();
    transports.sessions.stop();
    await transports.auth.stop();
    storageHealth.stop();
    await transports.close();
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
    // Closing the gateway first stops retries still waiting out a backoff.
    await deps.push?.close();
    await idle();
    await core.ports.close();
    await cluster?.close();
    await base.storage.close();
    base.logger.info('switchboard server closed');
  };
  return serverHandle({
    http: transports.http,
    tls: base.config.tls,
    presence: base.hub,
    pairing: transports.pairing,
    availability: core.availability,
    logger: base.logger,
    endAll: (detail) => core.calls.endAll(detail),
    idle,
    close,
  });
}

/**
 * The calls and what they need, in dependency order: live calls (busy state) first, then readers.
 * The one place that picks a single server's ports or a cluster node's.
 */
function buildCalls(base: Base, gateway: PushGateway | null) {
  const { storage, clock, logger, metrics, hub, config, cluster } = base;
  const live = cluster?.live ?? new LiveCalls();
  const ports: CallPorts = cluster
    ? clusterCallPorts(cluster, { calls: storage.calls, clock })
    : singleNodePorts({ clock, calls: storage.calls, logger });
  const pushes = new PushSender({
    gateway,
    clock,
    logger,
    metrics,
    onStatusChanged: () => hub.toAgents('server:status', serverStatus()),
  });
  const serverStatus = (): ServerStatus => ({
    protocol: PROTOCOL_VERSION,
    apns: pushes.status(),
    storage: base.storageHealth.state(),
    notRungAfterMs: config.notRungAfterMs,
  });
  const availability = new Availability({
    storage,
    clock,
    logger,
    notifier: hub,
    presence: hub,
    live,
    afterCallWorkMs: config.afterCallWorkMs,
    awayGraceMs: config.awayGraceMs,
    // Built below; only called once the calls exist.
    onAway: (agentId) => calls.agentAway(agentId),
  });
  const callbacks = new Callbacks({
    storage,
    clock,
    notifier: hub,
    audit: new AuditLog({ storage, clock, logger }),
  });
  const roster = new Roster({
    storage,
    presence: hub,
    notifier: hub,
    isDeviceBusy: (id) => live.isDeviceBusy(id),
    canPush: (device) => pushes.canPush(device),
  });
  const ring = createRingHealth(base, { live, roster, pushesEnabled: pushes.enabled });
  const supervisions = new Supervisions({ live, notifier: hub, now: () => clock.now(), ice: config.ice });
  const video = new VideoService({
    clock,
    live,
    notifier: hub,
    features: (deviceId) => hub.deviceFeatures(deviceId),
    settings: () => storage.video.settings(),
  });
  const calls = new CallService({
    storage,
    clock,
    logger,
    metrics,
    notifier: hub,
    presence: hub,
    live,
    ports,
    sender: pushes,
    onStaffChanged: (staffId) => roster.changed(staffId),
    ringTimeoutMs: config.ringTimeoutMs,
    reconnectGraceMs: config.reconnectGraceMs,
    caller: config.caller,
    observers: [availability, callbacks, ...ring.observers, supervisions, video],
    availableAgentIds: () => availability.availableAgentIds(),
  });
  ring.bind(calls);
  return {
    live,
    pushes,
    roster,
    calls,
    ports,
    serverStatus,
    availability,
    ring,
    callbacks,
    supervisions,
    video,
  };
}

/** HTTP (Fastify: the API and the web console) and Socket.IO on the same Node server. */
async function attachTransports(base: Base, core: ReturnType<typeof buildCalls>) {
  const { storage, clock, logger, metrics, hub, config, track } = base;
  const { calls, roster, pushes, serverStatus, availability, ring, callbacks, supervisions, video } = core;
  const origins = originPolicy(config.consoleOrigins);
  const addresses = clientAddresses(config.trustProxy);
  const { tls } = config;
  const web = createHttpApp({
    logger,
    webRoot: config.webRoot ?? DEFAULT_WEB_ROOT,
    track,
    origins,
    trustProxy: addresses.trust,
    tls,
  });
  const http: HttpServer = web.server;
  const pin = tls ? pinnedFingerprint(tls.cert) : null;
  const publicUrl = () => config.publicUrl ?? baseUrl(http, tls);
  const audit = new AuditLog({ storage, clock, logger });
  const limits = await serverLimits(base.cluster?.limits ?? storage.limitStore, config);
  const pairing = new PairingService({
    limits: limits.pairing,
    storage,
    clock,
    roster,
    audit,
    publicUrl,
    // Only where the link leads to this server's own TLS: a proxy in front has its own certificate.
    fingerprint: () => (publicUrl().startsWith('https:') ? pin : null),
  });

  const io = new IoServer(http, {
    maxHttpBufferSize: config.maxMessageBytes,
    serveClient: false,
    // The HTTP API's allow-list (http/origins.ts): `cors` only shapes long-polling's headers, so
    // allowRequest is what refuses a WebSocket upgrade from another origin.
    cors: {
      origin: (origin, done) => done(null, origins.listed(origin) ? origin : false),
      credentials: false,
    },
    allowRequest: (req, done) =>
      done(origins.allows(req) ? null : 'this origin may not connect', origins.allows(req)),
    ...(base.cluster ? { adapter: base.cluster.adapter } : {}),
    // A call's JSON made once, for its write and every frame that carries it (gateways/encoder.ts).
    parser: { Encoder: KnownJsonEncoder, Decoder },
  });
  // One Socket.IO server, two protocols: each namespace carries its own typed event maps.
  hub.agentNsp = io.of('/agent') as unknown as AgentNamespace;
  hub.deviceNsp = io.of('/device') as unknown as DeviceNamespace;
  const limiter = new SocketLimiter(config.socketRate);
  const ctx = { storage, clock, logger, metrics, hub, addresses, requestOptions: { limiter, logger, track } };
  const auth = new SessionAuth({ storage, clock, logger });
  await auth.start();
  const sessions = new SessionWatch({ nsp: hub.agentNsp, auth, clock, logger });
  const onTokenDead = (id: string) => ring.health.changed([id]);
  const testPush = (deviceId: string) =>
    sendTestPush({ storage, pushes, onStaffChanged: (id) => roster.changed(id), onTokenDead }, deviceId);
  const { ice } = config;
  const softphones = new Softphones({
    nsp: hub.agentNsp,
    storage,
    locks: core.ports.locks,
    now: () => clock.now(),
  });
  attachAgentGateway(hub.agentNsp, {
    softphones,
    ...ctx,
    calls,
    roster,
    pairing,
    serverStatus,
    sessions,
    auth,
    signInLimits: limits.signIn,
    passwordGuesses: limits.passwordGuesses,
    testPush,
    ice,
    audit,
    availability,
    health: ring.health,
    callbacks,
    supervisions,
    video,
  });
  attachDeviceGateway(hub.deviceNsp, { ...ctx, calls, roster, ice, audit, video });
  // Before any route: /api/ routes are the contract's, each says who may call it, admin ones get checked.
  serveContract(web);
  enforceRouteAccess(web, { auth });
  await web.register(auditRoutes({ storage }));
  await web.register(healthRoutes({ storage, health: ring.health }));
  await web.register(snapshotRoutes({ storage, clock, live: core.live, video }));
  await web.register(
    operationRoutes({
      storage,
      clock,
      logger,
      metrics,
      storageHealth: base.storageHealth,
      addresses,
      metricsToken: config.metricsToken,
    }),
  );
  await web.register(
    apiRoutes({
      storage,
      clock,
      pairing,
      sessionTtlMs: config.sessionTtlMs,
      auth,
      signInLimits: limits.signIn,
      directoryChanged: (version) => hub.toAllDevices('directory:changed', { version }),
      audit,
    }),
  );
  await web.ready();
  return {
    http,
    pairing,
    sessions,
    auth,
    async close() {
      softphones.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      // io.close() has closed the HTTP server already; this runs Fastify's own onClose hooks.
      await web.close();
    },
  };
}
