import type { Call, CallCancelledPayload, DeviceServerEvents } from '#shared';
import { isLive } from '#shared';
import { answers, LiveCalls, occupies } from '../calls/live';
import { askCancelAckAcross } from '../gateways/acks';
import { Hub } from '../gateways/hub';
import type { Logger } from '../ops/logger';
import type { CallStore } from '../storage/types';
import { type HeldCalls, PLAIN_ID } from './held-calls';
import type { ClusterPresence } from './presence';
import type { Redis } from './redis';

/**
 * The hub of a cluster node: rooms span the nodes (the Redis adapter), and a phone or console
 * counts as online when any live node has a socket of it.
 */
export class ClusterHub extends Hub {
  constructor(private readonly presence: ClusterPresence) {
    super();
  }

  override toDevice<E extends Exclude<keyof DeviceServerEvents, 'call:cancelled'>>(
    deviceId: string,
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void {
    // The phone's socket may be on another node: the room reaches it there.
    if (!this.isDeviceOnline(deviceId)) return;
    (
      this.deviceNsp?.to(`device:${deviceId}`) as { emit(e: string, ...a: unknown[]): void } | undefined
    )?.emit(event, ...args);
  }

  /**
   * The room spans the nodes: a broadcast with an ack, whose answers come back through Redis. It
   * needs a timeout of its own; the answers that came by then count.
   */
  override cancelDevice(
    deviceId: string,
    cancel: CallCancelledPayload,
    backstopMs: number,
  ): Promise<boolean> | null {
    if (!this.isDeviceOnline(deviceId) || !this.deviceNsp) return null;
    return askCancelAckAcross(this.deviceNsp.to(`device:${deviceId}`).timeout(backstopMs) as never, cancel);
  }

  protected override elsewhere(kind: 'agent' | 'device', id: string): boolean {
    return this.presence.has(kind, id);
  }

  override isDeviceOnline(deviceId: string): boolean {
    return super.isDeviceOnline(deviceId) || this.presence.has('device', deviceId);
  }

  override onlineAgentIds(): string[] {
    return [...new Set([...super.onlineAgentIds(), ...this.presence.ids('agent')])];
  }

  override join(kind: 'device' | 'agent', id: string): boolean {
    const first = super.join(kind, id);
    if (first) this.announce(kind, id, true);
    return first;
  }

  override leave(kind: 'device' | 'agent', id: string): boolean {
    const last = super.leave(kind, id);
    // The party may still be online through another node: only then is it gone for the cluster.
    if (last) this.announce(kind, id, false);
    return last && !(kind === 'device' ? this.presence.has('device', id) : this.presence.has('agent', id));
  }

  /** Whether this node itself has a socket of the party. */
  hasLocal(kind: 'device' | 'agent', id: string): boolean {
    return kind === 'device' ? super.isDeviceOnline(id) : super.onlineAgentIds().includes(id);
  }

  private announce(kind: 'device' | 'agent', id: string, online: boolean): void {
    void this.presence.announce(kind, id, online).catch(() => undefined);
  }
}

/** How far a version of a call has come: both lists only ever grow. */
const progress = (call: Call) => call.timeline.length + call.pushes.length;

/**
 * This node's view of the live calls, kept in step with the other nodes' commits (published on
 * Redis). It answers "who is busy" and resyncs consoles; it is never the authority on a call's
 * state: in cluster mode the call service reads that from PostgreSQL under the call's lock.
 */
export class ClusterLiveCalls extends LiveCalls {
  private readonly ended = new Map<string, number>();
  /**
   * How this node's own change messages begin (`put`): every subscriber gets them back, also this
   * one, which already has the call; they are dropped unparsed (a call is about 2 KB of JSON).
   */
  private readonly ownChange: string;

  constructor(
    private readonly redis: Redis,
    private readonly channel: string,
    private readonly nodeId: string,
    private readonly logger: Logger,
    private readonly store: Pick<CallStore, 'get' | 'listLive' | 'listLiveMentioning'>,
    private readonly held?: HeldCalls,
    /**
     * Where each change is published: the Socket.IO adapter's connection, without node-redis's
     * per-command timeout (an `AbortSignal.timeout` per command, for a message nobody waits on:
     * `put` only logs a failure). The change's broadcasts go out in the same turn on that
     * connection, so node-redis writes the PUBLISH and their XADDs in one system call, not two.
     */
    private readonly publisher: Pick<Redis, 'publish'> = redis.withCommandOptions({ timeout: 0 }),
  ) {
    super();
    this.ownChange = `{"node":${JSON.stringify(nodeId)},"call":`;
  }

  private marker = 0;
  protected override readonly keepsEnded = false;

  /**
   * Only while this node holds the call's lock, as read with it (held-calls.ts): otherwise another
   * node may have changed the call a moment ago.
   */
  override authority(callId: string): Call | undefined {
    return this.held?.get(callId);
  }

  /**
   * From PostgreSQL: a call another node stored under the same lock may not have come over Redis
   * yet, and one that ended while Redis was away may still be here. What is read catches up the view.
   */
  override async agentBusyNow(agentId: string): Promise<boolean> {
    return (await this.catchUp((c) => occupies(c, agentId), agentId, `agent:${agentId}`)).length > 0;
  }

  override async deviceBusyNow(deviceId: string, exceptCallId?: string): Promise<boolean> {
    return (await this.catchUp((c) => answers(c, deviceId), deviceId, `device:${deviceId}`)).some(
      (c) => c.id !== exceptCallId,
    );
  }

  /**
   * From PostgreSQL: the node that stored a call's last change may have died after its ack and
   * before its broadcast left (persist → ack → broadcast), and this view would never hear of it.
   */
  override async catchUpOn(id: string, of: (call: Call) => boolean): Promise<void> {
    // Not under the party's lock: what a task holding it read with it is that task's.
    await this.catchUp(of, id, null);
  }

  /**
   * The live calls `of` picks, read from the database; this view's copies of them brought up to
   * date. Only the live calls that mention `id` are read (every call `of` picks names the party
   * by that id), not all of them, each a whole document, twice per call setup.
   */
  private async catchUp(of: (call: Call) => boolean, id: string, lockKey: string | null): Promise<Call[]> {
    // Read with the party's lock when this task holds it (held-calls.ts); else read now. An id JSON
    // would escape is not in the document as it is: then every live call is read.
    const candidates =
      (lockKey === null ? undefined : this.held?.takeNaming(lockKey)) ??
      (PLAIN_ID.test(id) ? this.store.listLiveMentioning(id) : this.store.listLive());
    const live = (await candidates).filter(of);
    for (const call of live) this.apply(call);
    const liveIds = new Set(live.map((c) => c.id));
    for (const known of this.list().filter((c) => of(c) && !liveIds.has(c.id))) {
      const latest = await this.store.get(known.id);
      if (latest) this.apply(latest);
    }
    return live;
  }

  async subscribe(sub: Redis): Promise<void> {
    await sub.subscribe(this.channel, (raw) => {
      if (raw.startsWith(this.ownChange)) return;
      const { node, call, sync } = JSON.parse(raw) as { node: string; call?: Call; sync?: number };
      if (sync !== undefined) {
        if (node === this.nodeId && sync === this.marker) {
          this.resync().catch((err) => this.logger.warn({ err }, 'resyncing live calls failed'));
        }
        return;
      }
      if (node !== this.nodeId && call) this.apply(call);
    });
  }

  /**
   * After the subscriber reconnected: publishes a marker and reloads once it comes back. From then
   * on the subscription is live, and any change published before it was committed to PostgreSQL
   * before the reload reads it, so none is lost in between.
   */
  requestResync(): void {
    this.marker += 1;
    const message = JSON.stringify({ node: this.nodeId, sync: this.marker });
    void this.redis.publish(this.channel, message).catch(() => undefined);
  }

  /**
   * Catches up with PostgreSQL after the subscription was down (Redis restarted or unreachable):
   * changes published meanwhile were lost, and a call that ended then would stay "busy" here.
   */
  private async resync(): Promise<void> {
    const live = await this.store.listLive();
    const now = new Set(live.map((c) => c.id));
    for (const call of live) this.apply(call);
    for (const known of this.list()) {
      if (now.has(known.id)) continue;
      const latest = await this.store.get(known.id);
      if (latest) this.apply(latest);
    }
  }

  /**
   * Changes stored in this turn whose broadcast has not carried them yet. A change's broadcasts go
   * out in the same turn as it is stored (CallLifecycle.commit), and one through the stream that
   * every node reads anyway carries it to the other nodes' views (`claim`, streams.ts): only a
   * change no broadcast carried is published on the call channel, after the turn.
   */
  private readonly unsent = new Map<string, Call>();

  override put(call: Call): void {
    this.held?.stored(call);
    this.apply(call);
    if (this.unsent.size === 0) queueMicrotask(() => this.publishUnsent());
    this.unsent.set(call.id, call);
  }

  /** Whether this is a change stored in this turn and not yet sent: then the caller's broadcast carries it. */
  claim(call: unknown): boolean {
    const id = (call as Partial<Call> | undefined)?.id;
    if (typeof id !== 'string' || this.unsent.get(id) !== call) return false;
    this.unsent.delete(id);
    return true;
  }

  /** A change another node stored, read from its broadcast. */
  heard(call: Call): void {
    this.apply(call);
  }

  private publishUnsent(): void {
    for (const call of this.unsent.values()) {
      const message = JSON.stringify({ node: this.nodeId, call });
      void this.publisher.publish(this.channel, message).catch((err) => {
        this.logger.warn({ err, callId: call.id }, 'publishing a call change failed');
      });
    }
    this.unsent.clear();
  }

  /**
   * Whether this view already holds a later version of the call: messages from two nodes may
   * cross (a node lets a call's lock go as it stores the change, and broadcasts it just after, so
   * the next holder's broadcast can reach the stream first). An older version, or a live one of
   * a call that ended, is stale.
   */
  stale(call: Call): boolean {
    const known = this.get(call.id);
    return (
      (known !== undefined && progress(known) > progress(call)) || (this.ended.has(call.id) && isLive(call))
    );
  }

  private apply(call: Call): void {
    if (this.stale(call)) return;
    if (!isLive(call)) {
      this.ended.set(call.id, Date.now());
      if (this.ended.size > 10_000) this.ended.delete(this.ended.keys().next().value as string);
    }
    super.put(call);
  }
}
