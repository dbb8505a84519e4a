import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, login, PROTOCOL_VERSION } from '#shared';
import { freshDatabase } from '../../test-support/databases';
import { AGENT_PASSWORD, ensureAgent, pairDevice } from '../../test-support/harness';
import { type Run, runScript } from '../../test-support/process';
import { TestClient } from '../../test-support/socket-client';
import { openStorage } from '../src';

type Changed = { call: Call };

/**
 * `npm run cluster` end to end: two real node processes, its own Redis, a PostgreSQL schema, and
 * the sticky proxy; a console on WebSocket and a phone on HTTP long-polling (which only works
 * when every poll reaches the node that holds its session) place and finish a call through it.
 */
describe('npm run cluster', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let cluster: Run;
  let url: string;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    db = await freshDatabase('postgres');
    const args = ['--nodes', '2', '--port', '0', '--db', db.url, '--log-level', 'warn'];
    cluster = runScript('scripts/cluster.ts', args);
    const out = await cluster.until(/^Cluster: \S+/m, 40_000);
    url = /^Cluster: (\S+)/m.exec(out)![1]!;
    expect(out).toMatch(/^Node 2: http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/m);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    if (cluster) {
      cluster.child.kill('SIGINT');
      expect(await cluster.exit).toBe(0);
      expect(cluster.stdout()).toMatch(/\[node2\] exited/);
    }
    await db?.dispose();
  }, 30_000);

  it('signs in through the proxy and places a call to a phone that long-polls', async () => {
    const storage = await openStorage(db.url);
    await ensureAgent(storage, 'alice', Date.now());
    await storage.close();
    const { token } = await login(url, 'alice', AGENT_PASSWORD);
    const agent = await TestClient.connect(`${url}/agent`, { token });
    clients.push(agent);
    await agent.waitFor('roster:snapshot');
    const ana = await agent.ok<{ id: string }>('staff:create', { name: 'Ana' });
    const creds = await pairDevice(url, agent, ana.id, {});

    const socket = io(`${url}/device`, {
      auth: { protocol: PROTOCOL_VERSION, deviceId: creds.deviceId, secret: creds.deviceSecret },
      transports: ['polling'],
      upgrade: false,
      reconnection: false,
      forceNew: true,
    });
    const phone = new TestClient(socket, '/device');
    clients.push(phone);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    await agent.waitFor('roster:changed', (p) => JSON.stringify(p).includes('"online"'));

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id);
    let seq = 0;
    const report = (event: string) =>
      phone.ok('call:report', { callId: call.id, event, at: Date.now(), seq: ++seq });
    await report('reported');
    await report('answered');
    await report('connected');
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    await report('ended');
    const done = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.state === 'ended',
    );
    expect(done.call.endReason).toBe('completed');
  }, 30_000);
});
