import { type Clock, cancelAccepted, type EndReason, isLive } from '#shared';
import type { Party } from '../calls/ports';
import { CANCEL_GRACE_MS } from '../calls/pushes';
import type { CallService } from '../calls/service';
import { AppError } from '../errors';
import type { Roster } from '../roster/roster';
import type { Storage } from '../storage/types';
import type { ClusterNode, Fired, TimerRow } from '.';

/**
 * Hooks a cluster node's calls to the cluster: ring deadlines and reconnect graces any node may
 * fire (whichever node set them), cancels a dead node had under way, and the phones and consoles
 * of a node that died, which get the reconnect grace like any party whose connection dropped.
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
  const graceOver = async (row: TimerRow): Promise<Fired> => {
    await o.calls.graceOver(JSON.parse(row.data) as Party);
    return 'done';
  };
  cluster.sweep(o.clock, async () => {
    for (const callId of await due()) await cluster.tryLock(`deadline:${callId}`, () => fire(callId));
    await cluster.timers.fireDue('grace', o.clock.now(), graceOver);
  });
  cluster.leases(async (leaseMs) => {
    await cluster.timers.renew('cancel', Date.now() + leaseMs);
    await cluster.timers.fireDue('cancel', Date.now(), (row) => takeOver(row, leaseMs));
  });
  /** A cancel whose node died before APNs took it (its lease ran out): this node sends it. */
  const takeOver = async (row: TimerRow, leaseMs: number): Promise<Fired> => {
    const { callId, deviceId, reason } = JSON.parse(row.data) as {
      callId: string;
      deviceId: string;
      reason: EndReason;
    };
    const call = await o.storage.calls.get(callId);
    // Still live: its node died before storing the end; the deadline or a grace ends it, with cancels of its own.
    if (!call || isLive(call) || cancelAccepted(call, deviceId)) return 'done';
    if ((call.endedAt ?? 0) < o.clock.now() - CANCEL_GRACE_MS) return 'done';
    o.calls.resendCancel(call, deviceId, reason);
    return { keepUntil: Date.now() + leaseMs };
  };
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
