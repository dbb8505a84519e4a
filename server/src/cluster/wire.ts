import { type Clock, isLive } from '#shared';
import type { CallService } from '../calls/service';
import { AppError } from '../errors';
import type { Roster } from '../roster';
import type { Storage } from '../storage/types';
import type { ClusterNode } from '.';

/**
 * Hooks a cluster node's calls to the cluster: ring deadlines any node may fire (whichever node
 * placed the call), and the phones and consoles of a node that died, which get the reconnect grace
 * like any party whose connection dropped.
 */
export function wireCluster(
  cluster: ClusterNode,
  o: { calls: CallService; roster: Roster; storage: Storage; clock: Clock },
): void {
  const due = async () => {
    const live = await o.storage.calls.listLive();
    // Read after the query: the clock may have moved on meanwhile (and a manual one in one step).
    const now = o.clock.now();
    return live.filter((c) => isLive(c) && c.answeredAt === null && c.ringUntil <= now).map((c) => c.id);
  };
  const fire = async (callId: string) => {
    await o.calls.timeout(callId).catch((e) => {
      // Answered or ended meanwhile, or fired by another node first: nothing left to do.
      if (!(e instanceof AppError)) throw e;
    });
  };
  cluster.sweep(o.clock, due, fire);
  cluster.live.reload = async () =>
    cluster.live.resync((id) => o.storage.calls.get(id), await o.storage.calls.listLive());
  cluster.onNodeLost((_node, entries) => {
    for (const { kind, id } of entries) {
      if (kind === 'agent') {
        if (!cluster.hub.onlineAgentIds().includes(id)) o.calls.partyLeft({ agentId: id });
        continue;
      }
      if (cluster.hub.isDeviceOnline(id)) continue;
      o.calls.partyLeft({ deviceId: id });
      void o.storage.devices.get(id).then((d) => d && o.roster.changed(d.staffId));
    }
  });
}
