import { type Clock, type EndReason, isLive, liveTransfer, type TimerHandle } from '#shared';
import { KeyedTimers } from '../calls/keyed-timers';
import type { CallCore, CallPorts, CancelJournal, Party } from '../calls/ports';
import { localTimers } from '../calls/single-node';
import type { CallStore } from '../storage/types';
import type { ClusterNode, Fired, TimerRow } from '.';
import { serialized } from './serialized';

const graceKey = (party: Party) =>
  'agentId' in party ? `grace:agent:${party.agentId}` : `grace:device:${party.deviceId}`;
const cancelKey = (callId: string, deviceId: string) => `cancel:${callId}/${deviceId}`;

/**
 * The call core's ports on a cluster node: each call's (agent's, phone's) tasks hold a PostgreSQL
 * advisory lock, so a call's state is read from the database under it; ring deadlines fire here
 * and, should this node die, on whichever node sweeps them first; reconnect graces and cancels
 * under way are rows any node fires (cluster_timers), so they outlive the node that set them; and
 * the phones and consoles of a node that died get the reconnect grace like any party whose
 * connection dropped.
 */
export function clusterCallPorts(node: ClusterNode, o: { calls: CallStore; clock: Clock }): CallPorts {
  const { clock } = o;
  const local = new KeyedTimers(clock);
  let core: CallCore | null = null;
  const loops: ReturnType<typeof serialized>[] = [];
  let sweeper: TimerHandle | null = null;
  let leaser: ReturnType<typeof setInterval> | null = null;

  /**
   * Ring deadlines (and transfers' ring times) that passed, whichever node set them: only those
   * calls are read, not every live call by every node every `sweepMs`.
   */
  const deadlines = async (c: CallCore) => {
    const live = await o.calls.listLiveDue(clock.now());
    // Read after the query: the clock may have moved on meanwhile (and a manual one in one step).
    const now = clock.now();
    for (const call of live) {
      // A transfer whose node died still stops ringing at its time (a later one has its own).
      const transfer = liveTransfer(call);
      if (transfer?.state === 'ringing' && transfer.ringUntil <= now) await c.transferOver(call.id);
      // Under the call's lock: a deadline another node (or this one's timer) fired first finds
      // the call ended, and its cancels are not sent twice.
      if (isLive(call) && call.answeredAt === null && call.ringUntil <= now) await c.ringOver(call.id);
    }
    await node.timers.fireDue('grace', clock.now(), node.leaseMs, async (row) => {
      await c.graceOver(JSON.parse(row.data) as Party);
      return 'done';
    });
  };

  /** A cancel whose node died before APNs took it (its lease ran out): this node sends it. */
  const takeOver = async (c: CallCore, row: TimerRow): Promise<Fired> => {
    const { callId, deviceId, reason } = JSON.parse(row.data) as {
      callId: string;
      deviceId: string;
      reason: EndReason;
    };
    const call = await o.calls.get(callId);
    if (!call || !c.resendCancel(call, deviceId, reason)) return 'done';
    return { keepUntil: Date.now() + node.leaseMs };
  };

  /**
   * Every `sweepMs` on the server's clock, deadlines and graces; every third of the lease, in real
   * time (it measures this process's liveness, like the heartbeats), this node renews its cancel
   * leases, then sends those of dead nodes.
   */
  const startLoops = (c: CallCore) => {
    const sweep = serialized(
      () => deadlines(c),
      (err) => node.logger.error({ err }, 'sweeping cluster deadlines failed'),
    );
    const leases = serialized(
      async () => {
        await node.timers.renew('cancel', Date.now() + node.leaseMs);
        await node.timers.fireDue('cancel', Date.now(), node.leaseMs, (row) => takeOver(c, row));
      },
      (err) => node.logger.error({ err }, 'renewing or taking over cancel leases failed'),
    );
    loops.push(sweep, leases);
    const arm = () => {
      sweeper = clock.setTimeout(() => {
        arm();
        sweep.run();
      }, node.sweepMs);
    };
    arm();
    leaser = setInterval(leases.run, Math.max(50, Math.floor(node.leaseMs / 3)));
    leaser.unref();
  };

  return {
    locks: node.locks,
    timers: {
      ...localTimers(local, clock, () => core),
      graceStarted: (party, dueAt) => node.timers.set(graceKey(party), 'grace', dueAt, party),
      graceEnded: (party) => node.timers.clear(graceKey(party)),
    },
    cancels: leasedCancels(node),
    async start(c) {
      core = c;
      // The other nodes' calls are not orphans: deadlines and lost nodes are handled as they come.
      await node.start((_node, entries) => {
        for (const { kind, id } of entries) {
          const online =
            kind === 'agent' ? node.hub.onlineAgentIds().includes(id) : node.hub.isDeviceOnline(id);
          if (!online) c.partyGone(kind === 'agent' ? { agentId: id } : { deviceId: id });
        }
      });
      startLoops(c);
    },
    stop: () => local.close(),
    async close() {
      if (sweeper) clock.clearTimeout(sweeper);
      if (leaser) clearInterval(leaser);
      for (const loop of loops) await loop.stop();
      // Cancels this node could not finish (APNs refusing them while it stopped) go to another now.
      await node.timers
        .release('cancel')
        .catch((err) => node.logger.warn({ err }, 'handing over cancels failed'));
    },
  };
}

/** Cancels under way as rows leased by this node, renewed while it lives (see `startLoops`). */
function leasedCancels(node: ClusterNode): CancelJournal {
  return {
    async pending(callId, cancels, held) {
      const until = Date.now() + node.leaseMs;
      for (const { deviceId, reason } of cancels) {
        const data = { callId, deviceId, reason };
        const key = cancelKey(callId, deviceId);
        // With the call's end, in its lock's transaction, when the lock stores it (a round trip
        // less, and lease and end durable together); else before it, on the timers' pool.
        if (held?.persist && held.also) {
          held.also((literal) => node.timers.setText(key, 'cancel', until, data, true, literal));
        } else await node.timers.set(key, 'cancel', until, data, true);
      }
    },
    done: (callId, deviceId) => node.timers.clearSoon(cancelKey(callId, deviceId)),
  };
}
