import { randomUUID } from 'node:crypto';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Clock, TimerHandle } from '#shared';
import type { Logger } from '../logger';
import { parseStorageUrl } from '../storage';
import { ClusterHub, ClusterLiveCalls } from './hub';
import { postgresKeyLock } from './lock';
import { ClusterPresence, type PresenceEntry } from './presence';
import { connectRedis } from './redis';

export type { KeyLock } from './lock';
export type { PresenceEntry } from './presence';

export interface ClusterOptions {
  /** redis://… shared by every node. */
  redisUrl: string;
  /** The storage URL every node uses: it must be PostgreSQL. */
  databaseUrl: string;
  /** This node's name in logs and in Redis (default: a random id). */
  nodeId?: string;
  /** Namespaces the Redis keys, channels and streams (several clusters on one Redis; tests). */
  prefix?: string;
  /** A node silent for this long is dead and its phones and consoles offline (default 15 s). */
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
  let lost: (nodeId: string, entries: PresenceEntry[]) => void = () => undefined;
  const presence = new ClusterPresence({
    redis,
    sub,
    prefix,
    nodeId,
    ttlMs: o.nodeTtlMs ?? 15_000,
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
    /**
     * Every `sweepMs` on `clock`, `due()` lists calls whose deadline passed; each is handed to `fire`
     * on one node at a time (the others skip it), and the call's own lock and state machine make
     * a second firing a no-op: a deadline ends its call exactly once, whichever node placed it.
     */
    sweep(clock: Clock, due: () => Promise<string[]>, fire: (callId: string) => Promise<void>) {
      sweepClock = clock;
      const tick = async () => {
        for (const callId of await due()) await locks.tryLock(`deadline:${callId}`, () => fire(callId));
      };
      // One sweep at a time; a tick that comes while one runs makes it go round once more.
      let running = false;
      let again = false;
      const run = async () => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            await tick();
          } while (again && sweeper !== null);
        } finally {
          running = false;
        }
      };
      const arm = () => {
        sweeper = clock.setTimeout(() => {
          arm();
          run().catch((err) => log.error({ err }, 'sweeping ring deadlines failed'));
        }, o.sweepMs ?? 1000);
      };
      arm();
    },
    async close() {
      if (sweeper && sweepClock) sweepClock.clearTimeout(sweeper);
      sweeper = null;
      await presence.stop();
      await locks.close();
      await sub.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}

export type ClusterNode = Awaited<ReturnType<typeof joinCluster>>;
