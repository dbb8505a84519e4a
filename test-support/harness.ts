import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Call, Role, StaffEntry } from '#shared';
import { type LoginSession, login, type ManualClock, manualClock } from '#shared';
import {
  createServer,
  hashPassword,
  type Logger,
  type OpenStorageOptions,
  openStorage,
  type PushGateway,
  type ServerConfig,
  type Storage,
  type SwitchboardServer,
} from '../server/src';
import {
  type ApnsEmulator,
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../tools/apns-emulator/src';
import { type Engine, freshStorage } from './databases';
import { TestClient } from './socket-client';

export const BUNDLE_ID = 'com.example.switchboard';
/** Every harness agent's password (set in the database directly, so no password rule applies). */
export const AGENT_PASSWORD = 'correct horse battery staple';

export interface HarnessOptions {
  engine?: Engine;
  /** Start an APNs emulator and push through it (default true). */
  apns?: boolean;
  config?: Partial<ServerConfig>;
  /** Listen on this port (a restart keeps the address phones know); default any free port. */
  port?: number;
  /** Reuse an existing database (a restart) instead of a fresh one; it is not deleted on close. */
  databaseUrl?: string;
  /** Reuse an APNs emulator (a restart keeps the phones' pushes flowing). */
  emulator?: { instance: ApnsEmulator; key: ReturnType<typeof generateProviderKey> };
  /** Wraps the push gateway: a hook in the push path (a crash at an exact point, say). */
  wrapPush?: (gateway: PushGateway) => PushGateway;
  /** The server's logger (default: pino at SWITCHBOARD_LOG_LEVEL, silent). */
  logger?: Logger;
  /** SQLite only: the server's own connection, to limit the database's size (max_page_count). */
  sqliteConnection?: OpenStorageOptions['sqliteConnection'];
}

/**
 * A real server on port 0 with a fresh database, a manual clock, and (by default) a real APNs
 * emulator over HTTP/2 TLS with a real provider key. Everything a test creates is closed by close().
 */
export async function startHarness(opts: HarnessOptions = {}) {
  const clock: ManualClock = manualClock(Date.now());
  const logger = opts.logger ?? pino({ level: process.env.SWITCHBOARD_LOG_LEVEL ?? 'silent' });
  const db = opts.databaseUrl
    ? await reopen(opts.databaseUrl)
    : await freshStorage(opts.engine ?? 'sqlite', { sqliteConnection: opts.sqliteConnection });
  const key = opts.emulator?.key ?? generateProviderKey();
  const emulator =
    opts.apns === false
      ? null
      : (opts.emulator?.instance ??
        (await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] })));
  const gateway =
    emulator && createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
  const push = gateway && (opts.wrapPush?.(gateway) ?? gateway);
  const server: SwitchboardServer = await createServer({
    storage: db.storage,
    push,
    clock,
    logger,
    config: opts.config,
  });
  const url = await server.listen(opts.port ?? 0);
  const clients: TestClient[] = [];

  const harness = {
    server,
    url,
    clock,
    logger,
    emulator,
    key,
    databaseUrl: db.url,
    storage: db.storage,

    /**
     * Signs in as `name` (created with the harness's password the first time). Agents are admins
     * unless `role` says otherwise, so a test can manage staff and phones without setting up a team.
     */
    async login(name = `agent-${randomUUID().slice(0, 8)}`, role: Role = 'admin'): Promise<LoginSession> {
      await ensureAgent(db.storage, name, clock.now(), role);
      return login(url, name, AGENT_PASSWORD);
    },

    /** A console signed in as `name`, announcing `features` in its handshake (shared AGENT_FEATURES). */
    async agent(name?: string, role: Role = 'admin', features?: string[]) {
      const { token, agentId } = await harness.login(name, role);
      const client = await TestClient.connect(`${url}/agent`, { token, ...(features ? { features } : {}) });
      clients.push(client);
      await client.waitFor('roster:snapshot');
      return Object.assign(client, { agentId, token });
    },

    async staff(agent: TestClient, name = 'Ana'): Promise<StaffEntry> {
      return agent.ok<StaffEntry>('staff:create', { name });
    },

    pair: (agent: TestClient, staffId: string, over: Record<string, unknown> = {}) =>
      pairDevice(url, agent, staffId, over),

    /** Pairs a phone, connects its socket and (by default) registers a VoIP token with APNs. */
    async phone(agent: TestClient, staffId: string, opts: PhoneOptions = {}) {
      return connectPhone({ url, clock, emulator, clients }, await harness.pair(agent, staffId), opts);
    },

    /** Another socket of a paired phone (a reconnect racing the old one), announcing `features`. */
    reconnectPhone: (phone: PairedDevice, features?: string[]) => phoneSocket(url, phone, clients, features),

    /** Waits until nothing is in flight: acks sent, pushes answered, roster broadcast. */
    idle: () => server.idle(),

    async close() {
      for (const c of clients) c.close();
      await server.close();
      if (!opts.emulator) await emulator?.close();
      await db.dispose();
    },
  };
  return harness;
}

export async function ensureAgent(
  storage: Storage,
  name: string,
  now: number,
  role: Role = 'admin',
): Promise<void> {
  if (await storage.agents.findByName(name)) return;
  await storage.agents.create({
    id: randomUUID(),
    name,
    passwordHash: await hashPassword(AGENT_PASSWORD),
    createdAt: now,
    role,
  });
}

export type PairedDevice = { deviceId: string; deviceSecret: string; staffId: string };

/** `POST /api/devices/pair` with a fresh code, as the iOS app sends it (`over` changes fields). */
export async function pairDevice(
  url: string,
  agent: TestClient,
  staffId: string,
  over: Record<string, unknown>,
) {
  const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId });
  const res = await fetch(`${url}/api/devices/pair`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      code,
      name: 'iPhone',
      model: 'iPhone16,2',
      osVersion: '18.1',
      appVersion: '1.0.0',
      bundleId: BUNDLE_ID,
      apnsEnvironment: 'sandbox',
      ...over,
    }),
  });
  if (!res.ok) throw new Error(`pair failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as PairedDevice;
}

export interface PhoneOptions {
  /** Register a VoIP token with the emulator (default true). */
  token?: boolean;
  /** What the handshake announces the app can do beyond voice (`['video']`). */
  features?: string[];
}

/** Another socket of a paired phone, announcing `features`; closed with the test's clients. */
export async function phoneSocket(
  url: string,
  phone: PairedDevice,
  clients: TestClient[],
  features?: string[],
) {
  const client = await TestClient.connect(`${url}/device`, {
    deviceId: phone.deviceId,
    secret: phone.deviceSecret,
    ...(features ? { features } : {}),
  });
  clients.push(client);
  return client;
}

/** A paired phone's socket, its VoIP token (registered with the emulator unless `token: false`), and `report`. */
export async function connectPhone(
  h: { url: string; clock: ManualClock; emulator: ApnsEmulator | null; clients: TestClient[] },
  creds: PairedDevice,
  opts: PhoneOptions,
) {
  const client = await TestClient.connect(`${h.url}/device`, {
    deviceId: creds.deviceId,
    secret: creds.deviceSecret,
    ...(opts.features ? { features: opts.features } : {}),
  });
  h.clients.push(client);
  const voipToken = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
  if (opts.token !== false) {
    h.emulator?.registerDevice({ token: voipToken, bundleId: BUNDLE_ID, environment: 'sandbox' });
    await client.ok('device:update', {
      voipToken,
      apnsEnvironment: 'sandbox',
      appVersion: '1.0.0',
      osVersion: '18.1',
    });
  }
  let seq = 0;
  return Object.assign(client, {
    ...creds,
    voipToken,
    report(callId: string, event: string, reason?: string) {
      seq += 1;
      return client.request<Call>('call:report', { callId, event, reason, at: h.clock.now(), seq });
    },
  });
}

async function reopen(url: string) {
  const storage = await openStorage(url);
  await storage.migrate();
  return { url, storage, dispose: () => storage.close() };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const isState = (state: Call['state']) => (p: { call: Call }) => p.call.state === state;
