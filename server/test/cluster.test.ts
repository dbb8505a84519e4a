import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { type Call, ERROR_CODES } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import { sentToPostgres } from '../../test-support/pg-queries';
import { ClusterConfigError, checkClusterOptions } from '../src';
import { connectRedis } from '../src/cluster/redis';

type Changed = { call: Call };
const byId = (id: string) => (p: Changed) => p.call.id === id;
const ended = (id: string) => (p: Changed) => p.call.id === id && p.call.state === 'ended';

describe('cluster mode needs PostgreSQL and Redis', () => {
  it('refuses SQLite and a URL that is not Redis', () => {
    expect(() =>
      checkClusterOptions({ redisUrl: 'redis://127.0.0.1:1', databaseUrl: 'sqlite:/tmp/x.db' }),
    ).toThrow(ClusterConfigError);
    expect(() =>
      checkClusterOptions({ redisUrl: 'redis://127.0.0.1:1', databaseUrl: 'sqlite:/tmp/x.db' }),
    ).toThrow(/needs PostgreSQL/);
    expect(() => checkClusterOptions({ redisUrl: 'http://x', databaseUrl: 'postgres://h/db' })).toThrow(
      /redis:\/\//,
    );
    expect(() =>
      checkClusterOptions({ redisUrl: 'redis://h:6379', databaseUrl: 'postgres://h/db' }),
    ).not.toThrow();
  });
});

describe('three nodes on one PostgreSQL and one Redis', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 3 }, (cluster) => {
    c = cluster;
  });

  /** Agent on node 0, phone on node 1, both seen online by every node. */
  async function spread() {
    const agent = await c.agent(0, 'alice');
    const ana = await c.staff(agent, 'Ana');
    const phone = await c.phone(1, agent, ana.id);
    await until('every node to see the phone', () =>
      c.nodes.every((n) => n.server.presence.isDeviceOnline(phone.deviceId)),
    );
    await until('every node to see the agent', () =>
      c.nodes.every((n) => n.server.presence.onlineAgentIds().includes(agent.agentId)),
    );
    return { agent, ana, phone };
  }

  it("broadcasts from one node reach another node's console", async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    await bob.waitFor('roster:changed', (p) => JSON.stringify(p).includes(ana.id));
  });

  it('answered: agent on node 0 rings the phone on node 1, which answers and hangs up', async () => {
    const { agent, ana, phone } = await spread();
    const pushes = inbox(c.emulator, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    expect(call.devices[0]?.state).not.toBe('ended'); // reachable: online on another node
    await phone.waitFor<Changed>('call:changed', byId(call.id));
    await pushes.next((p) => p.kind === 'call');
    await phone.report(call.id, 'reported');
    await c.idle();
    // The answer (the phone's lock, then the call's inside it) stores the call with the locks'
    // release: no commit of its own, nothing on the storage's pool (cluster/lock.ts persist). The
    // call's lock is taken with that write, with the check that node 1's copy of the call is the
    // one stored (lock.ts `within`), not read on its own before.
    const sent = await sentToPostgres(async () => {
      expect((await phone.report(call.id, 'answered')).ok).toBe(true);
    });
    expect(sent.filter((q) => q === 'commit' || q.startsWith('insert into "calls"'))).toEqual([]);
    expect(
      sent.filter((q) =>
        /^select pg_advisory_xact_lock.*; select call_unchanged.*; insert into calls .*; commit$/s.test(q),
      ),
    ).toHaveLength(1);
    expect(sent.filter((q) => /select doc from calls where id =/.test(q))).toEqual([]);
    await phone.report(call.id, 'connected');
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    await phone.report(call.id, 'ended');
    const done = await agent.waitFor<Changed>('call:changed', ended(call.id));
    expect(done.call.endReason).toBe('completed');
  });

  it('declined and cancelled across nodes', async () => {
    const { agent, ana, phone } = await spread();
    const first = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(first.id, 'reported');
    await phone.report(first.id, 'ended', 'declined');
    expect((await agent.waitFor<Changed>('call:changed', ended(first.id))).call.endReason).toBe('declined');

    const second = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(second.id, 'reported');
    await agent.ok('call:hangup', { callId: second.id });
    await expect(
      phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === second.id),
    ).resolves.toEqual({ callId: second.id, reason: 'cancelled' });
  });

  it('missed: the deadline fires once, its cancel pushed once, on whichever node', async () => {
    const { agent, ana, phone } = await spread();
    const pushes = inbox(c.emulator, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'reported');
    await pushes.next((p) => p.kind === 'call');
    await c.idle();
    // The placing node's timer and every node's sweep are all due: one of them ends the call.
    c.clock.advance(46_000);
    const missed = await agent.waitFor<Changed>('call:changed', ended(call.id));
    expect(missed.call.endReason).toBe('missed');
    await pushes.next((p) => p.kind === 'cancel');
    c.clock.advance(5_000);
    await c.idle();
    const stored = await c.storage.calls.get(call.id);
    expect(stored?.pushes.filter((p) => p.kind === 'cancel')).toHaveLength(1);
    expect(stored?.timeline.filter((e) => e.event === 'timeout')).toHaveLength(1);
  });

  it('two agents on two nodes accept one inbound call at once: exactly one wins', async () => {
    const alice = await c.agent(1, 'alice');
    const bob = await c.agent(2, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(0, alice, ana.id);
    await until('node 0 to see both agents', () => c.nodes[0]!.server.presence.onlineAgentIds().length === 2);
    const call = await phone.ok<Call>('call:start', { video: false });
    await alice.waitFor<Changed>('call:incoming', byId(call.id));
    await bob.waitFor<Changed>('call:incoming', byId(call.id));
    const answers = await Promise.all([
      alice.request<Call>('call:accept', { callId: call.id }),
      bob.request<Call>('call:accept', { callId: call.id }),
    ]);
    const won = answers.filter((a) => a.ok);
    expect(won).toHaveLength(1);
    expect(answers.find((a) => !a.ok)).toMatchObject({ error: { code: 'ANSWERED_ELSEWHERE' } });
    const winner = won[0]!.ok ? won[0]!.data.agentId : null;
    expect([alice.agentId, bob.agentId]).toContain(winner);
    expect((await c.storage.calls.get(call.id))?.agentId).toBe(winner);
  });

  it('the node that placed a ringing call goes away: another node ends it at its deadline', async () => {
    const agent = await c.agent(0, 'alice');
    const ana = await c.staff(agent, 'Ana');
    const phone = await c.phone(1, agent, ana.id);
    const watcher = await c.agent(2, 'bob');
    await until('node 0 to see the phone', () => c.nodes[0]!.server.presence.isDeviceOnline(phone.deviceId));
    const pushes = inbox(c.emulator, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'reported');
    await pushes.next((p) => p.kind === 'call');
    await c.idle();
    await c.nodes[0]!.server.close();
    c.nodes.splice(0, 1);

    c.clock.advance(46_000);
    await expect(
      phone.waitFor('call:cancelled', (p: { callId: string }) => p.callId === call.id),
    ).resolves.toEqual({
      callId: call.id,
      reason: 'missed',
    });
    await pushes.next((p) => p.kind === 'cancel');
    c.clock.advance(5_000);
    await c.idle();
    const stored = await c.storage.calls.get(call.id);
    expect(stored).toMatchObject({ state: 'ended', endReason: 'missed' });
    expect(stored?.pushes.filter((p) => p.kind === 'cancel')).toHaveLength(1);
    expect(watcher.eventsNamed<Changed>('call:changed').some(ended(call.id))).toBe(false); // not bob's call
  });

  it("a node reads staff members' phones afresh: one paired through another node is rung", async () => {
    // A single server keeps these rows once read (storage/own-rows.ts); a node must not.
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const none = await alice.ok<Call>('call:place', { staffId: ana.id });
    expect(none.endReason).toBe('unreachable');
    const phone = await c.phone(1, alice, ana.id);
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    expect(call.devices.map((d) => d.deviceId)).toEqual([phone.deviceId]);
    await alice.ok('call:hangup', { callId: call.id });
  });

  it("a node's view of the live calls learns a change from its broadcast, with nothing on the call channel", async () => {
    const listener = await connectRedis(c.redisUrl, pino({ level: 'silent' }), 'test');
    const published: string[] = [];
    await listener.subscribe(`${c.prefix}:calls`, (raw) => published.push(raw));
    try {
      // The agent's console on node 0, the phone on node 1; node 2 has no socket of either.
      const alice = await c.agent(0, 'alice');
      const ana = await c.staff(alice, 'Ana');
      const phone = await c.phone(1, alice, ana.id);
      const bob = await c.agent(2, 'bob');
      await until('every node to see the phone', () =>
        c.nodes.every((n) => n.server.presence.isDeviceOnline(phone.deviceId)),
      );
      const call = await alice.ok<Call>('call:place', { staffId: ana.id });
      await phone.report(call.id, 'reported');
      await alice.waitFor<Changed>(
        'call:changed',
        (p) => p.call.id === call.id && p.call.state === 'ringing',
      );
      // Node 2 knows of the call (its view refuses to remove a staff member in one)...
      await until('node 2 to hold the call', async () => {
        const res = await bob.request('staff:remove', { staffId: ana.id });
        return !res.ok && res.error.code === ERROR_CODES.CONFLICT;
      });
      await alice.ok('call:hangup', { callId: call.id });
      await alice.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
      await c.idle();
      // ...and of its end, though no change of it went on the call channel: each was in a
      // broadcast to the agent's room, which every node reads from the stream anyway.
      await until(
        'node 2 to let the call go',
        async () => (await bob.request('staff:remove', { staffId: ana.id })).ok,
      );
      expect(published.filter((m) => m.includes(call.id))).toEqual([]);
    } finally {
      await listener.quit();
    }
  });
});
