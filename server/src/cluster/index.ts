import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Clock, TimerHandle } from '#shared';
import type { DurableTimers, Party } from '../calls/ports';
import type { Logger } from '../ops/logger';
import { parseStorageUrl } from '../storage';
import { ClusterHub, ClusterLiveCalls } from './hub';
import { postgresKeyLock } from './lock';
import { ClusterPresence, type PresenceEntry } from './presence';
import { connectRedis } from './redis';
import { ClusterTimers } from './timers';

export type { KeyLock } from './lock';
export type { PresenceEntry } from './presence';
export type { Fired, TimerRow } from './timers';

export interface ClusterOptions {
  /** redis://… shared by every node. */
  redisUrl: string;
  /** The storage URL every node uses: it must be PostgreSQL. */
  databaseUrl: string;
  /** This node's name in logs and in Redis (default: a random id). */
  nodeId?: string;
  /** Namespaces the Redis keys, channels and streams (several clusters on one Redis; tests). */
  prefix?: string;
  /**
   * A node silent for this long is dead: its phones and consoles go offline, and the cancels it had
   * under way (leased for this long, renewed while it lives) are sent by another node (default 15 s).
   */
  nodeTtlMs?: number;
  /** How often each node looks for ring deadlines that passed, on the server's clock (default 1 s). */
  sweepMs?: number;
}

export class ClusterConfigError extends Error {}

/** Refuses a cluster on anything but PostgreSQL, before anything is opened. */
export function checkClusterOptions(o: ClusterOptions): void {
  const engine = parseStorageUrl(o.databaseUrl).engine;
  if (engine !== 'postgres') {
    throw new ClusterConfigError(
      'cluster mode (--redis) needs PostgreSQL: every node must share one database, and SQLite is one ' +
        "process's file. Use --db postgres://…, or leave out --redis to run a single server on SQLite",
    );
  }
  if (!/^rediss?:\/\//.test(o.redisUrl)) {
    throw new ClusterConfigError(`--redis must be a redis:// or rediss:// URL, not "${o.redisUrl}"`);
  }
}

/** What a cluster node adds to the server: Redis for sockets and presence, PostgreSQL locks for calls. */
export async function joinCluster(o: ClusterOptions, logger: Logger) {
  checkClusterOptions(o);
  const nodeId = o.nodeId ?? randomUUID().slice(0, 8);
  const prefix = o.prefix ?? 'switchboard';
  const log = logger.child({ node: nodeId });
  const redis = await connectRedis(o.redisUrl, log, 'commands');
  const sub = await connectRedis(o.redisUrl, log, 'subscriber');
  const locks = postgresKeyLock(o.databaseUrl);
  const leaseMs = o.nodeTtlMs ?? 15_000;
  const timers = new ClusterTimers(locks.pool, nodeId, log);
  let lost: (nodeId: string, entries: PresenceEntry[]) => void = () => undefined;
  const presence = new ClusterPresence({
    redis,
    sub,
    prefix,
    nodeId,
    ttlMs: leaseMs,
    logger: log,
    onNodeLost: (node, entries) => lost(node, entries),
  });
  const live = new ClusterLiveCalls(redis, `${prefix}:calls`, nodeId, log);
  await live.subscribe(sub);
  await presence.start();
  // node-redis resubscribes by itself on reconnecting; what was published meanwhile is gone.
  sub.on('ready', () => live.requestResync());
  let sweeper: TimerHandle | null = null;
  let sweepClock: Clock | null = null;
  let leaser: ReturnType<typeof setInterval> | null = null;
  const loops: ReturnType<typeof serialized>[] = [];
  return {
    nodeId,
    hub: new ClusterHub(presence),
    live,
    lock: locks.lock,
    adapter: createAdapter(redis, { streamName: `${prefix}:sio`, channelPrefix: `${prefix}:sio` }),
    /** What to do with a dead node's phones and consoles (set once the calls exist). */
    onNodeLost(handler: (nodeId: string, entries: PresenceEntry[]) => void) {
      lost = handler;
    },
    timers,
    durable: durableTimers(timers, leaseMs),
    /** One node at a time runs `fire` for a key (deadlines of calls); null when another node is at it. */
    tryLock: locks.tryLock,
    /**
     * Every `sweepMs` on the server's clock, `tick` (ring deadlines, reconnect graces): the rows
     * and locks it takes make each due timer fire on one node only.
     */
    sweep(clock: Clock, tick: () => Promise<void>) {
      sweepClock = clock;
      const run = serialized(tick, (err) => log.error({ err }, 'sweeping cluster deadlines failed'));
      loops.push(run);
      const arm = () => {
        sweeper = clock.setTimeout(() => {
          arm();
          run.run();
        }, o.sweepMs ?? 1000);
      };
      arm();
    },
    /**
     * Every third of the lease, in real time (it measures this process's liveness, like the
     * heartbeats): this node renews its cancel leases, then sends those of dead nodes.
     */
    leases(tick: (leaseMs: number) => Promise<void>) {
      const run = serialized(
        () => tick(leaseMs),
        (err) => log.error({ err }, 'renewing or taking over cancel leases failed'),
      );
      loops.push(run);
      leaser = setInterval(run.run, Math.max(50, Math.floor(leaseMs / 3)));
      leaser.unref();
    },
    async close() {
      if (sweeper && sweepClock) sweepClock.clearTimeout(sweeper);
      sweeper = null;
      if (leaser) clearInterval(leaser);
      for (const loop of loops) await loop.stop();
      // Cancels this node could not finish (APNs refusing them while it stopped) go to another now.
      await timers.release('cancel').catch((err) => log.warn({ err }, 'handing over cancels failed'));
      await presence.stop();
      await locks.close();
      await sub.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}

export type ClusterNode = Awaited<ReturnType<typeof joinCluster>>;

/**
 * One run of `task` at a time; a call that comes while one runs makes it go round once more.
 * `stop()` lets the run under way finish and starts no other.
 */
function serialized(task: () => Promise<void>, onError: (err: unknown) => void) {
  let current: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  return {
    run(): void {
      if (stopped) return;
      if (current) {
        again = true;
        return;
      }
      current = (async () => {
        do {
          again = false;
          await task().catch(onError);
        } while (again && !stopped);
        current = null;
      })();
    },
    async stop(): Promise<void> {
      stopped = true;
      await current;
    },
  };
}

const partyKey = (party: Party) =>
  'agentId' in party ? `grace:agent:${party.agentId}` : `grace:device:${party.deviceId}`;
const cancelKey = (callId: string, deviceId: string) => `cancel:${callId}/${deviceId}`;

/** The call service's timers as rows: graces due on the server's clock, cancels leased by this node. */
function durableTimers(timers: ClusterTimers, leaseMs: number): DurableTimers {
  return {
    graceStarted: (party, dueAt) => timers.set(partyKey(party), 'grace', dueAt, party),
    graceEnded: (party) => timers.clear(partyKey(party)),
    async cancelsPending(callId, cancels) {
      for (const { deviceId, reason } of cancels) {
        const data = { callId, deviceId, reason };
        await timers.set(cancelKey(callId, deviceId), 'cancel', Date.now() + leaseMs, data, true);
      }
    },
    cancelDone: (callId, deviceId) => timers.clear(cancelKey(callId, deviceId)),
  };
}
