import type { Logger } from '../ops/logger';
import type { Redis } from './redis';

export type PartyKind = 'device' | 'agent';
export interface PresenceEntry {
  kind: PartyKind;
  id: string;
}

export interface ClusterPresenceOptions {
  redis: Redis;
  sub: Redis;
  prefix: string;
  nodeId: string;
  /** A node whose heartbeat is older than this is dead: its sockets stop counting. */
  ttlMs: number;
  logger: Logger;
  /** Called on exactly one live node for each dead node, with what that node had connected. */
  onNodeLost: (nodeId: string, entries: PresenceEntry[]) => void;
}

type Announcement = { node: string; kind?: PartyKind; id?: string; online?: boolean; gone?: boolean };

/**
 * Who is connected to the other nodes. Each node keeps, in Redis, a hash of the phones and consoles
 * connected to it (expiring unless its heartbeat renews it) and its heartbeat time in a sorted set;
 * changes are also published, so a mirror here answers `has()` synchronously and stays current
 * between heartbeats. Time is the machines' real time: heartbeats measure real liveness.
 */
export class ClusterPresence {
  /** `kind:id` → the other nodes it is connected to. */
  private remote = new Map<string, Set<string>>();
  /** `kind:id` of this node's own parties: rewritten whole by each heartbeat, so a Redis that lost them gets them back. */
  private readonly local = new Set<string>();
  /** Since when this node's heartbeats have succeeded without a gap (0: the last one failed). */
  private healthySince = 0;
  /** When the last heartbeat finished well: a longer silence than the TTL is a gap too. */
  private lastBeatAt = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  /** Announcements that came while a heartbeat was reading Redis: applied again on top of what it read. */
  private meanwhile: Announcement[] | null = null;
  /** The heartbeat under way, if any: one at a time, or beats queued while Redis was away run late together. */
  private beating: Promise<void> | null = null;
  private readonly nodesKey: string;
  private readonly channel: string;

  constructor(private readonly o: ClusterPresenceOptions) {
    this.nodesKey = `${o.prefix}:nodes`;
    this.channel = `${o.prefix}:presence`;
  }

  private hashKey(nodeId: string): string {
    return `${this.o.prefix}:presence:${nodeId}`;
  }

  async start(): Promise<void> {
    await this.o.sub.subscribe(this.channel, (message) => this.onMessage(message));
    await this.heartbeat();
    this.timer = setInterval(
      () => {
        if (this.beating) return;
        this.beating = this.heartbeat()
          .catch((err) => {
            this.healthySince = 0;
            this.o.logger.warn({ err }, 'presence heartbeat failed');
          })
          .finally(() => {
            this.beating = null;
          });
      },
      Math.max(50, Math.floor(this.o.ttlMs / 3)),
    );
    this.timer.unref();
  }

  has(kind: PartyKind, id: string): boolean {
    return (this.remote.get(`${kind}:${id}`)?.size ?? 0) > 0;
  }

  ids(kind: PartyKind): string[] {
    const out: string[] = [];
    for (const [key, nodes] of this.remote) {
      if (nodes.size > 0 && key.startsWith(`${kind}:`)) out.push(key.slice(kind.length + 1));
    }
    return out;
  }

  /** This node's first socket of a party opened, or its last one closed. */
  announce(kind: PartyKind, id: string, online: boolean): Promise<void> {
    const field = `${kind}:${id}`;
    const key = this.hashKey(this.o.nodeId);
    const message: Announcement = { node: this.o.nodeId, kind, id, online };
    if (online) this.local.add(field);
    else this.local.delete(field);
    const write = online
      ? this.o.redis
          .multi()
          .hSet(key, field, '1')
          .pExpire(key, this.o.ttlMs * 2)
      : this.o.redis.multi().hDel(key, field);
    return write
      .publish(this.channel, JSON.stringify(message))
      .exec()
      .then(() => undefined);
  }

  /** A clean shutdown: the other nodes forget this one's sockets at once. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.beating?.catch(() => undefined);
    const gone: Announcement = { node: this.o.nodeId, gone: true };
    await this.o.redis
      .multi()
      .del(this.hashKey(this.o.nodeId))
      .zRem(this.nodesKey, this.o.nodeId)
      .publish(this.channel, JSON.stringify(gone))
      .exec()
      .catch((err) => this.o.logger.warn({ err }, 'leaving the cluster presence failed'));
  }

  private onMessage(raw: string): void {
    const m = JSON.parse(raw) as Announcement;
    if (m.node === this.o.nodeId) return;
    this.meanwhile?.push(m);
    ClusterPresence.apply(this.remote, m);
  }

  private static apply(mirror: Map<string, Set<string>>, m: Announcement): void {
    if (m.gone) {
      for (const nodes of mirror.values()) nodes.delete(m.node);
      return;
    }
    if (!m.kind || !m.id) return;
    const key = `${m.kind}:${m.id}`;
    const nodes = mirror.get(key) ?? new Set<string>();
    if (m.online) nodes.add(m.node);
    else nodes.delete(m.node);
    mirror.set(key, nodes);
  }

  /** Renews this node, rebuilds the mirror from the live nodes, and claims the dead ones. */
  private async heartbeat(): Promise<void> {
    const { redis, nodeId, ttlMs } = this.o;
    const key = this.hashKey(nodeId);
    // The whole hash each time: a restarted Redis (or announcements lost while it was down)
    // must not leave this node's phones and consoles offline for the others.
    const write = redis.multi().zAdd(this.nodesKey, { score: Date.now(), value: nodeId }).del(key);
    if (this.local.size > 0) write.hSet(key, Object.fromEntries([...this.local].map((f) => [f, '1'])));
    await write.pExpire(key, ttlMs * 2).exec();
    // Timed once the write went through: a beat that waited for Redis to come back is not a live one.
    const now = Date.now();
    if (this.healthySince === 0 || now - this.lastBeatAt > ttlMs) this.healthySince = now;
    this.lastBeatAt = now;
    // After a gap in our own heartbeats (Redis away, this process stalled), the other nodes could
    // not beat either: for a whole TTL of our own good heartbeats, nobody is dead, and what a node
    // that has not beaten again yet had connected still counts.
    const warmingUp = now - this.healthySince < ttlMs;
    this.meanwhile = [];
    try {
      this.remote = await this.readMirror(now, warmingUp);
    } finally {
      this.meanwhile = null;
    }
    if (warmingUp) return;
    for (const dead of await redis.zRangeByScore(this.nodesKey, '-inf', `(${now - ttlMs}`)) {
      await this.claim(dead);
    }
  }

  /** Who the other live nodes have connected, as Redis has it, plus what was announced meanwhile. */
  private async readMirror(now: number, warmingUp: boolean): Promise<Map<string, Set<string>>> {
    const { redis, nodeId, ttlMs } = this.o;
    const alive = await redis.zRangeByScore(this.nodesKey, now - ttlMs, '+inf');
    const next = new Map<string, Set<string>>();
    const add = (field: string, node: string) => next.set(field, (next.get(field) ?? new Set()).add(node));
    for (const node of alive) {
      if (node === nodeId) continue;
      for (const field of await redis.hKeys(this.hashKey(node))) add(field, node);
    }
    if (warmingUp) {
      for (const [field, nodes] of this.remote) {
        for (const node of nodes) if (!alive.includes(node)) add(field, node);
      }
    }
    // A phone that connected while we read may be missing from what we read: its announcement is not.
    for (const m of this.meanwhile ?? []) ClusterPresence.apply(next, m);
    return next;
  }

  /** Whichever live node removes a dead node from the set is the one that acts on its loss. */
  private async claim(dead: string): Promise<void> {
    const fields = await this.o.redis.hKeys(this.hashKey(dead));
    if ((await this.o.redis.zRem(this.nodesKey, dead)) !== 1) return;
    await this.o.redis.del(this.hashKey(dead));
    const entries = fields.map((f) => {
      const at = f.indexOf(':');
      return { kind: f.slice(0, at) as PartyKind, id: f.slice(at + 1) };
    });
    this.o.logger.warn({ node: dead, sockets: entries.length }, 'a cluster node stopped answering');
    this.o.onNodeLost(dead, entries);
  }
}
