import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createTcpServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Call, manualClock, type PushContent, type StaffEntry } from '#shared';
import { openStorage } from '../../../server/src';
import { inbox } from '../../../test-support/apns-inbox';
import { BUNDLE_ID, pairDevice } from '../../../test-support/harness';
import { TestClient } from '../../../test-support/socket-client';
import { type ApnsEmulator, generateProviderKey, startApnsEmulator } from '../../../tools/apns-emulator/src';
import { EmbeddedServer, type EmbeddedStatus } from './controller';
import { forkLauncher } from './launchers';
import type { EmbeddedConfig } from './protocol';

const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));

/** The real entry in a real child process, under Node's IPC, as the app runs it from a checkout. */
const launch = forkLauncher(ENTRY, {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, SWITCHBOARD_LOG_LEVEL: 'info' },
});

describe('the embedded server, in its own process', () => {
  let dataDir: string;
  let emulator: ApnsEmulator;
  const key = generateProviderKey();
  const clients: TestClient[] = [];
  const servers: EmbeddedServer[] = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-embedded-'));
    emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key] });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const s of servers.splice(0)) await s.stop();
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const config = (over: Partial<EmbeddedConfig> = {}): EmbeddedConfig => ({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    ownerName: 'Dana',
    apns: {
      keyPem: key.privateKeyPem,
      keyId: key.keyId,
      teamId: key.teamId,
      bundleId: BUNDLE_ID,
      environment: null,
      endpoint: { address: '127.0.0.1', port: emulator.port, ca: emulator.ca },
    },
    ...over,
  });

  const embedded = (watch?: ReturnType<typeof statusWatch>) => {
    const server = new EmbeddedServer({ launch, onChange: (s) => watch?.onChange(s) });
    servers.push(server);
    return server;
  };

  const connect = async (url: string, auth: Record<string, unknown>) => {
    const client = await TestClient.connect(url, auth);
    clients.push(client);
    return client;
  };

  it('signs the local owner in, rings a phone through APNs with the handed-over key, and on stop ends the call and closes the database', async () => {
    const server = embedded();
    const url = await server.start(config());
    expect(server.status()).toMatchObject({ state: 'running', url, owner: { name: 'Dana' } });

    // The console's sign-in: a session from the main process, accepted by the real /agent namespace.
    const session = await server.ownerSession();
    expect(session.name).toBe('Dana');
    const agent = await connect(`${url}/agent`, { token: session.token });
    await agent.waitFor('roster:snapshot');

    const staff = await agent.ok<StaffEntry>('staff:create', { name: 'Ana' });
    const phone = await pairPhone(url, agent, staff.id, emulator);
    const pushes = inbox(emulator, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: staff.id });
    await pushes.next((p: PushContent) => p.kind === 'call' && p.callId === call.id);

    const stopped = await server.stop('the desktop app closed');

    expect(stopped).toEqual({ endedCalls: 1, killed: false });
    expect(server.status()).toMatchObject({ state: 'stopped', url: null, pid: null, error: null });
    // Its log, for the About panel, down to the last line written before it exited.
    expect(server.logs.recent().map((l) => l.message)).toEqual(
      expect.arrayContaining(['switchboard server listening', 'switchboard server closed']),
    );
    // The parties heard it before the sockets closed, and the phone got a cancel push too.
    const ended = await agent.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.state === 'ended',
    );
    expect(ended.call.endReason).toBe('failed');
    await phone.client.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id);
    await pushes.next((p) => p.kind === 'cancel' && p.callId === call.id);
    // Closed, not abandoned: SQLite removes the write-ahead log when the last connection closes.
    const dbFile = path.join(dataDir, 'switchboard.db');
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    const storage = await openStorage(`sqlite:${dbFile}`);
    try {
      expect(await storage.calls.listLive()).toEqual([]);
      const saved = await storage.calls.get(call.id);
      expect(saved).toMatchObject({ state: 'ended', endReason: 'failed' });
      expect(saved!.timeline.find((e) => e.detail === 'the desktop app closed')).toMatchObject({
        source: 'server',
      });
    } finally {
      await storage.close();
    }
  });

  // Issue 20 item 6: every console load made a new week-long session that outlived the app.
  it('gives every window of a run the same owner session, and ends it when the app quits', async () => {
    const server = embedded();
    await server.start(config({ apns: null }));
    const first = await server.ownerSession();
    expect((await server.ownerSession()).token).toBe(first.token);
    await server.stop();
    const storage = await openStorage(`sqlite:${path.join(dataDir, 'switchboard.db')}`);
    try {
      expect(await storage.sessions.listByAgent(first.agentId)).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it('keeps the same owner and data on the next run, with no password anyone could use', async () => {
    const first = embedded();
    await first.start(config());
    const firstOwner = first.status().owner!;
    const agent = await connect(`${first.status().url}/agent`, { token: (await first.ownerSession()).token });
    await agent.ok<StaffEntry>('staff:create', { name: 'Ben' });
    agent.close();
    await first.stop();

    const second = embedded();
    const url = await second.start(config({ apns: null }));
    expect(second.status().owner).toEqual(firstOwner);
    const again = await connect(`${url}/agent`, { token: (await second.ownerSession()).token });
    const { staff } = await again.waitFor<{ staff: StaffEntry[] }>('roster:snapshot');
    expect(staff.map((s) => s.name)).toEqual(['Ben']);
    expect(JSON.parse(await readFile(path.join(dataDir, 'owner.json'), 'utf8'))).toEqual({
      agentId: firstOwner.agentId,
    });
    const login = await fetch(`${url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Dana', password: 'Dana' }),
    });
    expect(login.status).toBe(401);
  });

  it('says why it cannot start when the port is taken, and its process exits', async () => {
    const taken = await listenAnywhere();
    const port = (taken.address() as { port: number }).port;
    const watch = statusWatch();
    const server = embedded(watch);
    try {
      await expect(server.start(config({ port }))).rejects.toThrow(
        `port ${port} is already in use (another Switchboard server?)`,
      );
      await watch.until((s) => s.pid === null);
      expect(server.status()).toMatchObject({ state: 'failed', url: null });
      expect(server.status().error).toContain(`port ${port} is already in use`);
    } finally {
      taken.close();
    }
  });

  it('refuses to share its database with another server, naming the one that holds it', async () => {
    const first = embedded();
    await first.start(config({ apns: null }));
    const second = embedded();
    await expect(second.start(config({ apns: null }))).rejects.toThrow(
      "another Switchboard server is using this app's database",
    );
    expect(second.status().error).toContain(`held by process ${first.status().pid}`);
  });

  it('kills a server process that never answers its start, and says so', async () => {
    const clock = manualClock(Date.now());
    const watch = statusWatch();
    // A process that takes messages and never answers: what a hung database open looks like.
    const mute = forkLauncher(fileURLToPath(new URL('./testing/mute-process.mjs', import.meta.url)));
    const server = new EmbeddedServer({
      launch: mute,
      clock,
      startTimeoutMs: 30_000,
      onChange: watch.onChange,
    });
    servers.push(server);
    const started = server.start(config());
    await clock.whenPending(1);
    clock.advance(30_000);
    await expect(started).rejects.toThrow('the embedded server did not answer start within 30000 ms');
    const failed = await watch.until((s) => s.state === 'failed' && s.pid === null);
    expect(failed.error).toBe('the embedded server did not answer start within 30000 ms');
  });

  it('reports a server process that dies as failed, in words', async () => {
    const watch = statusWatch();
    const server = embedded(watch);
    await server.start(config({ apns: null }));
    process.kill(server.status().pid!, 'SIGKILL');
    const failed = await watch.until((s) => s.state === 'failed');
    expect(failed.error).toBe('the server process stopped unexpectedly (code null)');
  });
});

/** Pairs a phone as the iOS app does and registers its VoIP token with the emulator and the server. */
async function pairPhone(url: string, agent: TestClient, staffId: string, emulator: ApnsEmulator) {
  const creds = await pairDevice(url, agent, staffId, {});
  const client = await TestClient.connect(`${url}/device`, {
    deviceId: creds.deviceId,
    secret: creds.deviceSecret,
  });
  const voipToken = 'ab'.repeat(32);
  emulator.registerDevice({ token: voipToken, bundleId: BUNDLE_ID, environment: 'sandbox' });
  await client.ok('device:update', {
    voipToken,
    apnsEnvironment: 'sandbox',
    appVersion: '1.0.0',
    osVersion: '18.1',
  });
  return { client, voipToken, deviceId: creds.deviceId };
}

function listenAnywhere(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createTcpServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Status changes as they come, and a wait for the first (seen already or later) that matches. */
function statusWatch() {
  const seen: EmbeddedStatus[] = [];
  const waiters = new Set<() => void>();
  return {
    onChange(status: EmbeddedStatus) {
      seen.push(status);
      for (const w of [...waiters]) w();
    },
    until(match: (s: EmbeddedStatus) => boolean): Promise<EmbeddedStatus> {
      return new Promise((resolve) => {
        const check = () => {
          const found = seen.find(match);
          if (!found) return;
          waiters.delete(check);
          resolve(found);
        };
        waiters.add(check);
        check();
      });
    },
  };
}
