import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SoftphoneStatus } from '#shared';
import { clusterPerTest, type TestCluster } from '../../test-support/cluster';
import { TestClient } from '../../test-support/socket-client';

/**
 * The softphone's room is joined through the cluster's adapter, which applies a join on this node
 * only once Redis took it: the status told to the agent's consoles must be read after that, or a
 * console that is the softphone is told there is none.
 */
describe('the softphone on a cluster node', () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  it('a console that takes the softphone is told so, and a second one is told which console has it', async () => {
    const { token } = await c.login(0, 'alice');
    const [one, two] = [randomUUID(), randomUUID()];
    const first = await TestClient.connect(`${c.nodes[0]!.url}/agent`, {
      token,
      console: { id: one, label: 'First window' },
    });
    const told = await first.waitFor<SoftphoneStatus>('softphone:changed');
    expect(told.consoleId).toBe(one);

    const second = await TestClient.connect(`${c.nodes[1]!.url}/agent`, {
      token,
      console: { id: two, label: 'Second window' },
    });
    try {
      expect((await second.waitFor<SoftphoneStatus>('softphone:changed')).consoleId).toBe(one);
    } finally {
      first.close();
      second.close();
    }
  });
});
