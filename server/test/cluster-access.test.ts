import { describe, expect, it } from 'vitest';
import { clusterPerTest, type TestCluster } from '../../test-support/cluster';
import { loopback, postJsonFrom } from '../../test-support/from-address';
import type { TestClient } from '../../test-support/socket-client';

/** Why the socket closes, or 'still open' after `ms` of real time. */
const closedWithin = (client: TestClient, ms: number) =>
  new Promise<string>((resolve) => {
    const timer = setTimeout(() => resolve('still open'), ms);
    client.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });

/**
 * Issue 20 item 11 in cluster mode: a change of access reaches every node at once, not at its next
 * sweep. Each node keeps its consoles' sessions in memory and hears PostgreSQL's NOTIFY.
 */
describe('access changes across a cluster', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  it('closes the consoles of an agent removed by the CLI on every node, and refuses its requests', async () => {
    const on0 = await c.agent(0, 'temp');
    const on1 = await c.agent(1, 'temp');
    const stays = await c.agent(1, 'stays');
    const gone = [closedWithin(on0, 3_000), closedWithin(on1, 3_000)];
    // What `npm run server -- --db postgres://… agents remove temp` does from its own process.
    await c.storage.agents.remove(on0.agentId);
    await c.storage.access.announce({ agentId: on0.agentId });
    expect(await Promise.all(gone)).toEqual(['io server disconnect', 'io server disconnect']);
    const csv = await fetch(`${c.nodes[1]!.url}/api/history.csv`, {
      headers: { authorization: `Bearer ${on1.token}` },
    });
    expect(csv.status).toBe(401);
    expect(stays.socket.connected).toBe(true);
  });

  it('takes a role changed on one node for every request on the others', async () => {
    const admin = await c.agent(0, 'boss');
    const other = await c.agent(1, 'deputy');
    expect((await other.request('team:get', {})).ok).toBe(true);
    await admin.ok('agent:update', { agentId: other.agentId, role: 'agent' });
    // The other node hears PostgreSQL's NOTIFY on its own connection, a moment after the admin's
    // ack (the first test's 3 s as well): well before its sweep, which would take 10 s. Asking at
    // once raced that notice on a clean clone's CI run.
    const started = Date.now();
    let answer = await other.request('team:get', {});
    while (answer.ok && Date.now() - started < 3_000) answer = await other.request('team:get', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});

/** Issue 20 item 2: in cluster mode the limits are counted in Redis, shared by every node. */
describe('sign-in limits across a cluster', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  it('counts the wrong passwords sent to any node against the same limit', async () => {
    await c.login(0, 'alice');
    const guess = (node: number) =>
      postJsonFrom(
        `${c.nodes[node]!.url}/api/login`,
        { name: 'alice', password: 'guess' },
        { localAddress: loopback(7) },
      );
    const statuses = [];
    for (const node of [0, 1, 0, 1, 0]) statuses.push((await guess(node)).status);
    // Three free tries in all, whichever node took them; then both nodes hold the address back.
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
