import { describe, expect, it } from 'vitest';
import { type Call, type Callback, ERROR_CODES } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';
import { sentToPostgres } from '../../test-support/pg-queries';
import type { TestClient } from '../../test-support/socket-client';

/** The reads a cluster node answers from memory at the versions its lock read (cluster/shared-rows.ts). */
const KEPT_READS = {
  staff: /from "staff" where "id" = \$1/,
  phones: /from "devices" where "staff_id" = \$1/,
  callbacks: /from "callbacks"/,
};

type Changed = { call: Call };
const phonesOf = (call: Call) => call.devices.map((d) => d.deviceId).sort();

/**
 * A cluster node keeps the staff members, phones and open callbacks it read, and uses them only
 * while the tables' versions read with the task's lock say nothing changed them: whatever another
 * node (or a tool) wrote before the next request is seen by that request on this node.
 */
describe("a cluster node's kept rows", () => {
  let c: TestCluster;
  clusterPerTest({ nodes: 2 }, (cluster) => {
    c = cluster;
  });

  /** Places a call from `agent` to the staff member and hangs it up: what it rang. */
  async function placeAndEnd(agent: TestClient, staffId: string): Promise<Call> {
    const call = await agent.ok<Call>('call:place', { staffId });
    if (call.state !== 'ended') await agent.ok('call:hangup', { callId: call.id });
    await c.idle();
    return call;
  }

  it('a phone removed through node 0 is not rung by the next placement on node 1', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const iphone = await c.phone(1, alice, ana.id);
    const ipad = await c.phone(1, alice, ana.id);
    expect(phonesOf(await placeAndEnd(bob, ana.id))).toEqual([iphone.deviceId, ipad.deviceId].sort());

    await alice.ok('device:remove', { deviceId: ipad.deviceId });
    expect(phonesOf(await placeAndEnd(bob, ana.id))).toEqual([iphone.deviceId]);
  });

  it('a phone paired through node 0 is rung by the next placement on node 1', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const iphone = await c.phone(1, alice, ana.id);
    expect(phonesOf(await placeAndEnd(bob, ana.id))).toEqual([iphone.deviceId]);

    const ipad = await c.phone(0, alice, ana.id);
    expect(phonesOf(await placeAndEnd(bob, ana.id))).toEqual([iphone.deviceId, ipad.deviceId].sort());
  });

  it('a staff member removed through node 0 is not found by the next placement on node 1', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    await c.phone(1, alice, ana.id);
    await placeAndEnd(bob, ana.id);

    // Node 0 refuses while it still holds the ended call as live (its view learns of the end by Redis).
    await until(
      'node 0 to remove Ana',
      async () => (await alice.request('staff:remove', { staffId: ana.id })).ok,
    );
    expect(await bob.request('call:place', { staffId: ana.id })).toMatchObject({
      ok: false,
      error: { code: ERROR_CODES.NOT_FOUND },
    });
  });

  it("a staff member's handle changed through node 0 is on the next call their phone starts on node 1", async () => {
    const alice = await c.agent(0, 'alice');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    await alice.ok('availability:set', { state: 'away' });
    const first = await phone.ok<Call>('call:start', {});
    expect(first.handle).toBe('Ana');

    await alice.ok('staff:update', { staffId: ana.id, handle: '+15551234567' });
    const next = await phone.ok<Call>('call:start', {});
    expect(next.handle).toBe('+15551234567');
  });

  it("a phone's token marked invalid by a tool writing the database is not pushed by the next placement", async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    phone.close();
    await until('every node to see the phone gone', () =>
      c.nodes.every((n) => !n.server.presence.isDeviceOnline(phone.deviceId)),
    );
    const pushed = await placeAndEnd(bob, ana.id);
    expect(pushed.devices[0]?.state).not.toBe('ended');

    await c.storage.devices.markTokenInvalid(
      phone.deviceId,
      phone.voipToken,
      '410 Unregistered',
      c.clock.now(),
    );
    const next = await placeAndEnd(bob, ana.id);
    expect(next.devices[0]).toMatchObject({ state: 'ended' });
    expect(next.endReason).toBe('unreachable');
  });

  it('a callback queued through node 0 is closed by the next answer on node 1', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const iphone = await c.phone(1, alice, ana.id);
    const ipad = await c.phone(0, alice, ana.id);
    await alice.ok('availability:set', { state: 'away' });
    await until('every node to see both phones and bob', () =>
      c.nodes.every(
        (n) =>
          n.server.presence.isDeviceOnline(iphone.deviceId) &&
          n.server.presence.isDeviceOnline(ipad.deviceId) &&
          n.server.presence.onlineAgentIds().includes(bob.agentId),
      ),
    );
    /** Ana calls in from her iPhone and bob, on node 1, answers: a callback of hers closes then. */
    const answeredByBob = async () => {
      await bob.ok('availability:set', { state: 'available' });
      const call = await iphone.ok<Call>('call:start', {});
      await bob.ok('call:accept', { callId: call.id });
      await bob.ok('call:hangup', { callId: call.id });
      await c.idle();
    };
    // Node 1 learns that Ana has no callback open.
    await answeredByBob();

    await bob.ok('availability:set', { state: 'away' });
    const missed = await ipad.ok<Call>('call:start', {});
    expect(missed.endReason).toBe('noAgentAvailable');
    expect((await c.storage.callbacks.open()).map((cb) => cb.staffId)).toEqual([ana.id]);

    await answeredByBob();
    const closed = await bob.waitFor<{ callbacks: Callback[] }>('callbacks:changed', (p) =>
      p.callbacks.some((cb) => cb.staffId === ana.id && cb.state === 'closed'),
    );
    expect(closed.callbacks.find((cb) => cb.staffId === ana.id)?.closeReason).toBeTruthy();
    expect(await c.storage.callbacks.open()).toEqual([]);
  });

  it('a placement and its answer read no staff member, phone or callback once the node has them', async () => {
    const alice = await c.agent(0, 'alice');
    const bob = await c.agent(1, 'bob');
    const ana = await c.staff(alice, 'Ana');
    const phone = await c.phone(1, alice, ana.id);
    const answered = async () => {
      const call = await bob.ok<Call>('call:place', { staffId: ana.id });
      await phone.waitFor<Changed>('call:changed', (p) => p.call.id === call.id);
      await phone.report(call.id, 'reported');
      await phone.report(call.id, 'answered');
      await bob.ok('call:hangup', { callId: call.id });
      await c.idle();
    };
    const cold = await sentToPostgres(answered);
    const warm = await sentToPostgres(answered);
    for (const read of Object.values(KEPT_READS)) {
      expect(cold.filter((q) => read.test(q))).not.toEqual([]);
      expect(warm.filter((q) => read.test(q))).toEqual([]);
    }
  });
});
