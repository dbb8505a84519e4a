import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Call, StaffEntry } from '#shared';
import { type LoginSession, login, type ManualClock, manualClock } from '#shared';
import {
  type ApnsEmulator,
  createEmulatorPushGateway,
  generateProviderKey,
  startApnsEmulator,
} from '../../../tools/apns-emulator/src';
import { createServer, type ServerConfig, type SwitchboardServer } from '../../src/app';
import { hashPassword } from '../../src/auth';
import { openStorage } from '../../src/storage';
import { type Engine, freshStorage } from '../support/databases';
import { TestClient } from './clients';

export const BUNDLE_ID = 'com.example.switchboard';
const PASSWORD = 'correct horse battery staple';

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
}

/**
 * A real server on port 0 with a fresh database, a manual clock, and (by default) a real APNs
 * emulator over HTTP/2 TLS with a real provider key. Everything a test creates is closed by close().
 */
export async function startHarness(opts: HarnessOptions = {}) {
  const clock: ManualClock = manualClock(Date.now());
  const logger = pino({ level: process.env.SWITCHBOARD_LOG_LEVEL ?? 'silent' });
  const db = opts.databaseUrl ? await reopen(opts.databaseUrl) : await freshStorage(opts.engine ?? 'sqlite');
  let emulator: ApnsEmulator | null = null;
  let push = null;
  const key = opts.emulator?.key ?? generateProviderKey();
  if (opts.apns !== false) {
    emulator =
      opts.emulator?.instance ?? (await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] }));
    push = createEmulatorPushGateway(emulator, key, { bundleId: BUNDLE_ID, clock, logger });
  }
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
    emulator,
    key,
    databaseUrl: db.url,
    storage: db.storage,

    async login(name = `agent-${randomUUID().slice(0, 8)}`): Promise<LoginSession> {
      if (!(await db.storage.agents.findByName(name))) {
        await db.storage.agents.create({
          id: randomUUID(),
          name,
          passwordHash: await hashPassword(PASSWORD),
          createdAt: clock.now(),
        });
      }
      return login(url, name, PASSWORD);
    },

    async agent(name?: string) {
      const { token, agentId } = await harness.login(name);
      const client = await TestClient.connect(`${url}/agent`, { token });
      clients.push(client);
      await client.waitFor('roster:snapshot');
      return Object.assign(client, { agentId, token });
    },

    async staff(agent: TestClient, name = 'Ana'): Promise<StaffEntry> {
      return agent.ok<StaffEntry>('staff:create', { name });
    },

    async pair(agent: TestClient, staffId: string, over: Record<string, unknown> = {}) {
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
      return (await res.json()) as { deviceId: string; deviceSecret: string; staffId: string };
    },

    /** Pairs a phone, connects its socket and (by default) registers a VoIP token with APNs. */
    async phone(agent: TestClient, staffId: string, opts: { token?: boolean } = {}) {
      const creds = await harness.pair(agent, staffId);
      const client = await TestClient.connect(`${url}/device`, {
        deviceId: creds.deviceId,
        secret: creds.deviceSecret,
      });
      clients.push(client);
      const voipToken = randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
      if (opts.token !== false) {
        emulator?.registerDevice({ token: voipToken, bundleId: BUNDLE_ID, environment: 'sandbox' });
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
          return client.request<Call>('call:report', { callId, event, reason, at: clock.now(), seq });
        },
      });
    },

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

async function reopen(url: string) {
  const storage = await openStorage(url);
  await storage.migrate();
  return { url, storage, dispose: () => storage.close() };
}

export type Harness = Awaited<ReturnType<typeof startHarness>>;

export const isState = (state: Call['state']) => (p: { call: Call }) => p.call.state === state;
