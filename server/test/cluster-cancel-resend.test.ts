import { expect, it } from 'vitest';
import type { Call, PushContent } from '#shared';
import { clusterPerTest, type TestCluster, until } from '../../test-support/cluster';

/**
 * A cancel whose node died before it was done (its lease in `cluster_timers` ran out) is taken
 * over by a live node, which asks the phone over its socket first, as the first cancel did: a
 * phone that acknowledges (it ended the call already) gets no cancel push, which iOS would have it
 * show as a second, ended call in Recents (issue 21 item 6).
 */
let c: TestCluster;
clusterPerTest({ nodes: 2 }, (cluster) => {
  c = cluster;
});

it('a cancel taken over from a node that died goes to the phone’s socket first: acknowledged, no push', async () => {
  const alice = await c.agent(0, 'alice');
  const ana = await c.staff(alice, 'Ana');
  const phone = await c.phone(1, alice, ana.id);
  const cancels: string[] = [];
  phone.socket.on('call:cancelled', (payload: { callId: string }, ack?: () => void) => {
    cancels.push(payload.callId);
    ack?.();
  });
  await until('node 0 to see the phone', () => c.nodes[0]!.server.presence.isDeviceOnline(phone.deviceId));
  const pushed = async () =>
    (await c.emulator.requests({ token: phone.voipToken })).map(
      (r) => (JSON.parse(r.body) as { switchboard: PushContent }).switchboard.kind,
    );

  const call = await alice.ok<Call>('call:place', { staffId: ana.id });
  await until('APNs to get the call push', async () => (await pushed()).includes('call'));
  expect((await phone.report(call.id, 'reported')).ok).toBe(true);
  await alice.ok('call:hangup', { callId: call.id });
  await until('the phone to acknowledge the cancel', () => cancels.length === 1);
  // Its acknowledgement ends the lease, in a delete that waits for others (up to 250 ms).
  await until(
    'the first cancel’s lease to be cleared',
    async () => (await c.timerRows('cancel')).length === 0,
  );
  await c.idle();

  // The lease of a node that died before the phone's acknowledgement cleared it.
  await c.insertTimerRow({
    key: `cancel:${call.id}/${phone.deviceId}`,
    kind: 'cancel',
    dueAt: 0,
    owner: 'a-node-that-died',
    data: { callId: call.id, deviceId: phone.deviceId, reason: 'cancelled' },
  });
  await until('a live node to ask the phone again', () => cancels.length === 2);
  await until('the taken-over lease to be done', async () => (await c.timerRows('cancel')).length === 0);
  await c.idle();
  expect(cancels).toEqual([call.id, call.id]);
  expect(await pushed()).toEqual(['call']);
});
