import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Call, login, manualClock } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { type FreshDatabase, freshDatabase } from '../../test-support/databases';
import { AGENT_PASSWORD, BUNDLE_ID, connectPhone, ensureAgent, pairDevice } from '../../test-support/harness';
import { type Run, runScript } from '../../test-support/process';
import { freePort, type RedisForTests, startRedis } from '../../test-support/redis';
import { TestClient } from '../../test-support/socket-client';
import {
  type ApnsEmulator,
  type GeneratedProviderKey,
  generateProviderKey,
  startApnsEmulator,
} from '../../tools/apns-emulator/src';
import { openStorage, type Storage } from '../src';

/**
 * kill -9 of real node processes while a call rings: the node holding the phone's socket and the
 * node that placed the call both die; the third ends the call at its deadline and sends its cancel
 * push once (counted at the APNs emulator, which every node pushes to with its own provider).
 */
describe('kill -9 of the nodes holding a ringing call', () => {
  const rig = processCluster('switchboard-cluster-kill-', ['--ring-timeout', '4s']);

  it('the third node ends the call at its deadline; one call push, one cancel push', async () => {
    const a = await rig.node(); // migrates the schema alone
    const [b, c] = await Promise.all([rig.node(), rig.node()]);
    rig.storage = await openStorage(rig.db.url);
    await ensureAgent(rig.storage, 'alice', Date.now());
    const { token } = await login(a.url, 'alice', AGENT_PASSWORD);
    const agent = await TestClient.connect(`${a.url}/agent`, { token });
    rig.clients.push(agent);
    await agent.waitFor('roster:snapshot');
    const ana = await agent.ok<{ id: string }>('staff:create', { name: 'Ana' });
    const creds = await pairDevice(b.url, agent, ana.id, {});
    const h = { url: b.url, clock: manualClock(Date.now()), emulator: rig.emulator, clients: rig.clients };
    const phone = await connectPhone(h, creds, {});
    const pushes = inbox(rig.emulator, phone.voipToken);

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    await phone.waitFor<{ call: Call }>('call:changed', (p) => p.call.id === call.id);
    expect((await phone.report(call.id, 'reported')).ok).toBe(true);

    b.run.child.kill('SIGKILL');
    a.run.child.kill('SIGKILL');
    await Promise.all([a.run.exit, b.run.exit]);
    expect(Date.now()).toBeLessThan(call.ringUntil); // both died while it rang

    const cancel = await pushes.next((p) => p.kind === 'cancel');
    expect(cancel).toMatchObject({ callId: call.id, reason: 'missed' });
    const ended = await waitFor('the call to end with its cancel recorded', async () => {
      const stored = await rig.storage!.calls.get(call.id);
      return stored?.state === 'ended' && stored.pushes.some((p) => p.kind === 'cancel') ? stored : null;
    });
    expect(ended.endReason).toBe('missed');
    expect(Date.now()).toBeGreaterThanOrEqual(call.ringUntil);
    expect(ended.timeline.filter((e) => e.event === 'timeout')).toHaveLength(1);
    expect(ended.timeline.filter((e) => e.event === 'reported')).toHaveLength(1); // the report made before the kill
    // Another sweep or two on node c, then count: nothing more may reach the phone.
    const healthy = await fetch(`${c.url}/healthz`);
    expect(healthy.status).toBe(200);
    await waitFor('two more sweeps', async () => (Date.now() > ended.endedAt! + 2500 ? true : null));
    expect(pushes.pushes.filter((p) => p.kind === 'call')).toHaveLength(1);
    expect(pushes.pushes.filter((p) => p.kind === 'cancel')).toHaveLength(1);
    const final = await rig.storage!.calls.get(call.id);
    expect(final?.pushes.filter((p) => p.kind === 'cancel' && p.outcome === 'accepted')).toHaveLength(1);
    // The phone's ring record (issue 25): the node that ended the call counted it, once.
    // Its push counts as the call stored it: node a may have died before it wrote APNs' answer.
    const record = await waitFor('the ring recorded', async () => {
      const [r] = await rig.storage!.ringHealth.records(Date.now(), [creds.deviceId]);
      return r && r.week.rang > 0 ? r : null;
    });
    const stored = final!.pushes.filter((p) => p.kind === 'call');
    expect(record.week).toMatchObject({
      pushes: stored.length,
      accepted: stored.filter((p) => p.outcome === 'accepted').length,
      rang: 1,
      notRung: 0,
    });
  }, 90_000);
});

/**
 * A cancel under way when its node dies: the node that ended the call is still retrying it (APNs
 * answers 503) when it is killed; its lease in PostgreSQL runs out and a live node sends it.
 */
describe('kill -9 of the node retrying a cancel', () => {
  const rig = processCluster('switchboard-cluster-lease-', ['--node-ttl', '2s']);

  it('another node sends the cancel once the lease runs out; APNs gets it once', async () => {
    const a = await rig.node(); // migrates the schema alone
    const b = await rig.node();
    rig.storage = await openStorage(rig.db.url);
    await ensureAgent(rig.storage, 'alice', Date.now());
    const { token } = await login(a.url, 'alice', AGENT_PASSWORD);
    const agent = await TestClient.connect(`${a.url}/agent`, { token });
    rig.clients.push(agent);
    await agent.waitFor('roster:snapshot');
    const ana = await agent.ok<{ id: string }>('staff:create', { name: 'Ana' });
    const creds = await pairDevice(b.url, agent, ana.id, {});
    const phone = await connectPhone(
      { url: b.url, clock: manualClock(Date.now()), emulator: rig.emulator, clients: rig.clients },
      creds,
      {},
    );
    const pushes = inbox(rig.emulator, phone.voipToken);

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    expect((await phone.report(call.id, 'reported')).ok).toBe(true);
    // APNs refuses everything for this phone now: node a keeps retrying the cancel it sends.
    rig.emulator.fault(phone.voipToken, { type: 'status', status: 503, count: 'forever' });
    const cancelAttempts = () =>
      rig.emulator.requests({ token: phone.voipToken }).filter((r) => r.body.includes('"cancel"')).length;
    expect((await agent.request<Call>('call:hangup', { callId: call.id })).ok).toBe(true);
    await waitFor('node a to try the cancel', async () => (cancelAttempts() > 0 ? true : null));
    a.run.child.kill('SIGKILL');
    await a.run.exit;
    rig.emulator.clearFaults(phone.voipToken);

    const cancel = await pushes.next((p) => p.kind === 'cancel');
    expect(cancel).toMatchObject({ callId: call.id, reason: 'cancelled' });
    const stored = await waitFor('the cancel to be recorded as accepted', async () => {
      const c = await rig.storage!.calls.get(call.id);
      return c?.pushes.some((p) => p.kind === 'cancel' && p.outcome === 'accepted') ? c : null;
    });
    expect(stored.endReason).toBe('cancelled');
    // Once taken, nothing more goes out: wait out another lease and count.
    const quietFrom = Date.now();
    await waitFor('another lease', async () => (Date.now() - quietFrom > 3000 ? true : null));
    expect(pushes.pushes.filter((p) => p.kind === 'cancel')).toHaveLength(1);
    const healthy = await fetch(`${b.url}/healthz`);
    expect(healthy.status).toBe(200);
  }, 90_000);
});

/**
 * A transfer under way when a node dies: the first agent's console, where the transfer started
 * (and its ring timer ran), or the chosen agent's. The dead node's consoles get the reconnect grace
 * on a live node; what then happens to the transfer is the transfer's rule (transfer/calls.ts).
 */
describe('kill -9 of a node in the middle of a transfer', () => {
  const rig = processCluster(
    'switchboard-cluster-transfer-',
    [['--ring-timeout', '4s', '--reconnect-grace', '2s', '--node-ttl', '1s']].flat(),
  );
  type Console = TestClient & { agentId: string };

  async function signedIn(url: string, name: string): Promise<Console> {
    await ensureAgent(rig.storage!, name, Date.now());
    const { token, agentId } = await login(url, name, AGENT_PASSWORD);
    const client = await TestClient.connect(`${url}/agent`, { token });
    rig.clients.push(client);
    await client.waitFor('roster:snapshot');
    return Object.assign(client, { agentId });
  }

  /** `first` on a call with a phone on `phoneUrl`, `chosen` offered it (its node sees them online). */
  async function transferUnderWay(first: Console, chosen: Console, phoneUrl: string, kind: 'blind' | 'warm') {
    const staff = await first.ok<{ id: string }>('staff:create', { name: `Staff of ${first.agentId}` });
    const creds = await pairDevice(phoneUrl, first, staff.id, {});
    const h = { url: phoneUrl, clock: manualClock(Date.now()), emulator: rig.emulator, clients: rig.clients };
    const phone = await connectPhone(h, creds, {});
    const call = await first.ok<Call>('call:place', { staffId: staff.id });
    for (const event of ['reported', 'answered', 'connected'])
      expect((await phone.report(call.id, event)).ok).toBe(true);
    await waitFor('the chosen agent to be offered', async () => {
      const ack = await first.request<{ agents: { agentId: string }[] }>('transfer:targets', {
        callId: call.id,
      });
      return ack.ok && ack.data.agents.some((a) => a.agentId === chosen.agentId) ? true : null;
    });
    await first.ok('transfer:start', { callId: call.id, toAgentId: chosen.agentId, kind });
    return { phone, call };
  }

  const last = (call: Call) => call.transfers?.at(-1);
  const stored = (id: string) => rig.storage!.calls.get(id);

  it('the first agent’s node dies: a consultation completes to the second, an unanswered ring ends and the call fails', async () => {
    const a = await rig.node(); // migrates the schema alone
    const [b, c] = await Promise.all([rig.node(), rig.node()]);
    rig.storage = await openStorage(rig.db.url);
    const alice = await signedIn(a.url, 'alice');
    const bob = await signedIn(b.url, 'bob');

    // A consultation, then Alice's node dies: after her grace the call is Bob's, off hold.
    const warm = await transferUnderWay(alice, bob, c.url, 'warm');
    await bob.ok('transfer:accept', { callId: warm.call.id });
    a.run.child.kill('SIGKILL');
    await a.run.exit;
    const handed = await bob.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === warm.call.id && p.call.agentId === bob.agentId,
      { timeoutMs: 20_000 },
    );
    expect(handed.call).toMatchObject({ state: 'active', held: false });
    expect(last(handed.call)).toMatchObject({
      state: 'completed',
      detail: expect.stringMatching(/first agent's console/),
    });
    await warm.phone.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === warm.call.id && p.call.agentId === bob.agentId && !p.call.held,
    );
    await bob.ok('call:hangup', { callId: warm.call.id });
    // Done with it, Bob chooses Available: after-call work (30 s) would keep him from being offered.
    await bob.ok('availability:set', { state: 'available' });

    // A blind transfer nobody answers, and the node of the agent who started it dies: a live node
    // ends it at its ring time; the call, back with an agent who is gone, fails after the grace.
    const d = await rig.node();
    const dora = await signedIn(d.url, 'dora');
    const blind = await transferUnderWay(dora, bob, c.url, 'blind');
    d.run.child.kill('SIGKILL');
    await d.run.exit;
    const missed = await waitFor('the ring time to end the transfer', async () => {
      const call = await stored(blind.call.id);
      return call && last(call)?.state === 'missed' ? call : null;
    });
    expect(missed.state).toBe('active');
    const failed = await waitFor('the call to fail', async () => {
      const call = await stored(blind.call.id);
      return call?.state === 'ended' ? call : null;
    });
    expect(failed.endReason).toBe('failed');
    expect(failed.timeline.filter((e) => e.event === 'transfer:missed')).toHaveLength(1);
    await blind.phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === blind.call.id);
  }, 120_000);

  it('the chosen agent’s node dies during a consultation: the call is back with the first agent, off hold', async () => {
    const e = await rig.node(); // alone, in case this test runs first: it migrates the schema
    const f = await rig.node();
    rig.storage ??= await openStorage(rig.db.url);
    const erin = await signedIn(e.url, 'erin');
    const finn = await signedIn(f.url, 'finn');
    const { phone, call } = await transferUnderWay(erin, finn, e.url, 'warm');
    await finn.ok('transfer:accept', { callId: call.id });
    f.run.child.kill('SIGKILL');
    await f.run.exit;
    const back = await erin.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === call.id && last(p.call)?.state === 'cancelled',
      { timeoutMs: 20_000 },
    );
    expect(back.call).toMatchObject({ agentId: erin.agentId, held: false, state: 'active' });
    expect(last(back.call)?.detail).toMatch(/their console lost its connection/);
    await phone.waitFor<{ call: Call }>(
      'call:changed',
      (p) => p.call.id === call.id && !p.call.held && last(p.call)?.state === 'cancelled',
    );
  }, 120_000);
});

/** Polls PostgreSQL, which the dead and the live nodes share, until `check` gives a value. */
async function waitFor<T>(what: string, check: () => Promise<T | null>, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Redis, a fresh PostgreSQL schema and an APNs emulator, for call-server nodes that are real CLI
 * processes (`node()`, with `nodeArgs` on top of the shared ones); the describe's hooks start them
 * and kill and clean up everything after.
 */
function processCluster(tmpPrefix: string, nodeArgs: string[]) {
  const rig = {
    redis: null as unknown as RedisForTests,
    db: null as unknown as FreshDatabase,
    dir: '',
    key: null as unknown as GeneratedProviderKey,
    emulator: null as unknown as ApnsEmulator,
    storage: null as Storage | null,
    runs: [] as Run[],
    clients: [] as TestClient[],
    async node(): Promise<{ run: Run; url: string }> {
      const port = await freePort();
      const { redis, db, dir, key, emulator } = rig;
      const args = [
        ['--redis', redis.url, '--db', db.url, '--port', String(port), '--data-dir', dir],
        ['--log-level', 'warn', ...nodeArgs],
        ['--apns-key', path.join(dir, 'apns-key.p8'), '--apns-key-id', key.keyId],
        ['--apns-team-id', key.teamId, '--apns-bundle-id', BUNDLE_ID],
        ['--apns-endpoint', `127.0.0.1:${emulator.port}`, '--apns-ca', path.join(dir, 'apns-ca.pem')],
      ].flat();
      const run = runScript('scripts/server.ts', args, { ...process.env, SWITCHBOARD_REDIS: undefined });
      rig.runs.push(run);
      await run.until(/^Console: \S+\n/m, 40_000);
      return { run, url: `http://127.0.0.1:${port}` };
    },
  };
  beforeAll(async () => {
    rig.redis = await startRedis();
    rig.db = await freshDatabase('postgres');
    rig.dir = await mkdtemp(path.join(os.tmpdir(), tmpPrefix));
    rig.key = generateProviderKey();
    rig.emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [rig.key] });
    await writeFile(path.join(rig.dir, 'apns-key.p8'), rig.key.privateKeyPem);
    await writeFile(path.join(rig.dir, 'apns-ca.pem'), rig.emulator.ca);
  });
  afterAll(async () => {
    for (const c of rig.clients) c.close();
    for (const r of rig.runs) r.child.kill('SIGKILL');
    await Promise.all(rig.runs.map((r) => r.exit));
    await rig.storage?.close();
    await rig.emulator?.close();
    await rig.redis?.stop();
    await rig.db?.dispose();
    if (rig.dir) await rm(rig.dir, { recursive: true, force: true });
  });
  return rig;
}
