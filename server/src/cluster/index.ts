import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../ops/logger';
import { parseStorageUrl } from '../storage';
import type { Storage } from '../storage/types';
import { HeldCalls } from './held-calls';
import { ClusterHub, ClusterLiveCalls } from './hub';
import { postgresKeyLock } from './lock';
import { ClusterPresence, type PresenceEntry } from './presence';
import { connectRedis } from './redis';
import { SharedRows } from './shared-rows';
import { streamsAdapter } from './streams';
import { ClusterTimers } from './timers';

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
  /** PostgreSQL connections this node holds call locks on (default 40). */
  lockPoolSize?: number;
}

/** A node silent this long is dead, and the cancels it had under way go to another (--node-ttl). */
export const DEFAULT_NODE_TTL_MS = 15_000;

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

/**
 * What a cluster node adds to the server: Redis for sockets, presence and the live-call view, and
 * PostgreSQL for locks and timers. `calls.ts` builds the call core's ports on it.
 */
export async function joinCluster(
  o: ClusterOptions,
  logger: Logger,
  storage: Pick<Storage, 'calls' | 'staff' | 'devices' | 'callbacks'>,
) {
  const { calls } = storage;
  checkClusterOptions(o);
  const nodeId = o.nodeId ?? randomUUID().slice(0, 8);
  const prefix = o.prefix ?? 'switchboard';
  const log = logger.child({ node: nodeId });
  const redis = await connectRedis(o.redisUrl, log, 'commands');
  const sub = await connectRedis(o.redisUrl, log, 'subscriber');
  // The Socket.IO adapter's own client (and the stream reader it duplicates from it), without
  // node-redis's per-command timeout: each is an AbortSignal.timeout whose timer fires 5 s later
  // even when the answer came at once, building a DOMException each time (with the timers and
  // abort events, about 4 % of a cluster node's CPU in bench/revisions' profiles, most of it for
  // the adapter's XADDs and XREADs), and the reader's XREAD blocks for those same 5 s anyway.
  // Its commands end with their connection instead.
  const streams = await connectRedis(o.redisUrl, log, 'adapter', { timeout: 0 });
  // A live call's change begins from this node's copy of it (`live`, below), checked as it is
  // stored; a call read under its lock brings that copy up to date.
  const held = new HeldCalls(
    (callId) => live.get(callId),
    (call) => live.heard(call),
  );
  const locks = postgresKeyLock(o.databaseUrl, o.lockPoolSize, held, new SharedRows(storage));
  // Timer rows are written inside call locks (a cancel before the call's end): never from the
  // locks' own pool, which a task would then wait on while holding one of its connections.
  const timerPool = new pg.Pool({ connectionString: o.databaseUrl, max: 4 });
  timerPool.on('error', () => undefined);
  const leaseMs = o.nodeTtlMs ?? DEFAULT_NODE_TTL_MS;
  // Given by start(), before presence runs: no node can be found lost before someone acts on it.
  let nodeLost: (nodeId: string, entries: PresenceEntry[]) => void = () => undefined;
  const presence = new ClusterPresence({
    redis,
    sub,
    prefix,
    nodeId,
    ttlMs: leaseMs,
    logger: log,
    onNodeLost: (node, entries) => nodeLost(node, entries),
  });
  const live = new ClusterLiveCalls(redis, `${prefix}:calls`, nodeId, log, calls, held, streams);
  await live.subscribe(sub);
  // node-redis resubscribes by itself on reconnecting; what was published meanwhile is gone.
  sub.on('ready', () => live.requestResync());
  return {
    nodeId,
    logger: log,
    hub: new ClusterHub(presence),
    live,
    /** The calls read with their locks, and the changes begun from this node's copies (lock.ts). */
    callCopies: held,
    locks: locks.locks,
    adapter: streamsAdapter(streams, { streamName: `${prefix}:sio`, channelPrefix: `${prefix}:sio` }, live),
    /** Where the limits every node shares are counted (sign-in, pairing: auth/limits.ts). */
    limits: { kind: 'redis', client: redis, prefix } as const,
    timers: new ClusterTimers(timerPool, nodeId, log),
    leaseMs,
    sweepMs: o.sweepMs ?? 1000,
    /** Joins the presence of the nodes; `onNodeLost` is told of each node found dead. */
    async start(onNodeLost: (nodeId: string, entries: PresenceEntry[]) => void) {
      nodeLost = onNodeLost;
      await presence.start();
    },
    async close() {
      await presence.stop();
      await locks.close();
      await timerPool.end();
      await sub.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
      await streams.quit().catch(() => undefined);
    },
  };
}

export type ClusterNode = Awaited<ReturnType<typeof joinCluster>>;
