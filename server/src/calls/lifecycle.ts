import {
  type Call,
  type CallEvent,
  type Clock,
  type EventSource,
  isLive,
  liveTransfer,
  transition,
} from '#shared';
import { AppError, notFound } from '../errors';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { DeviceRow, Storage } from '../storage/types';
import { audience, type Delivery } from './audience';
import { CANCEL_ACK_GRACE_MS } from './cancel-acks';
import { InFlight } from './in-flight';
import type { LiveCalls } from './live';
import type { CallPorts, Locks, Notifier, Presence } from './ports';
import { PushLedger } from './push-ledger';
import type { PushSender } from './push-sender';
import { KeyedQueue } from './queue';
import { SeenReports } from './seen-reports';

/**
 * How long APNs' answers wait for the call's next change to take them (a phone's report of the
 * ring, its answer) before they get a write of their own: that write, and its broadcast to the
 * agent, were one of every setup's eight `call:changed` (bench/README.md). Real time, not the
 * server's clock: it paces writes, as ring records' gap does (ring-recorder.ts), and a record's
 * time is its own (`PushRecord.at`).
 */
export const RECORDS_WAIT_MS = 250;

export interface LifecycleOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  notifier: Notifier;
  presence: Presence;
  live: LiveCalls;
  ports: CallPorts;
  sender: PushSender;
  /** Told which staff members' roster entries may have changed (busy, token state). */
  onStaffChanged: (staffId: string) => void;
  /** Features that follow calls (availability, callbacks): told of every change, in order. */
  observers?: CallObserver[];
}

/**
 * What a feature that follows calls is told of each change. `beforeStored` runs in the call's
 * queue before the change is stored, so what it writes is there by the time anyone can see the
 * change (and written again, idempotently, if a crash comes between); `committed` runs once it is
 * stored and delivered.
 */
export interface CallObserver {
  /** `held`: the locks of the task storing the change (their `rows` read as of its party's lock). */
  beforeStored?(prev: Call | null, next: Call, held?: Locks): Promise<void>;
  committed?(prev: Call | null, next: Call): void;
}

/**
 * The socket that is sent no `call:changed` for a change (`ApplyOptions.quiet`): a phone's whose
 * report made it (`reportAcks`), or a console's whose request made it (`callAcks`).
 */
export type Quiet = { socketId: string } & ({ deviceId: string } | { agentId: string });

export interface ApplyOptions {
  /** Throws to refuse; returns the refusal to give unless the request is a replay. */
  authorize?: (call: Call) => AppError | undefined;
  /** The event to apply, when authorizing decided it (an agent's decline of an inbound call). */
  event?: () => CallEvent;
  replay?: { seen(): boolean; mark(): void };
  /**
   * The socket that takes its request's ack as the change (a phone's report, `reportAcks`; a
   * console's call request, `callAcks`): it is sent no `call:changed` for it.
   */
  quiet?: Quiet;
}

/** The phones a call makes busy (live.ts `answers`), as one comparable string. */
const busyPhones = (call: Call | null): string =>
  call && isLive(call)
    ? call.devices
        .filter((l) => l.state === 'answered')
        .map((l) => l.deviceId)
        .join(' ')
    : '';

/**
 * A call's life: each event applied by the state machine in the call's queue (under its lock), the
 * result stored, then its effects: who hears of it (audience.ts), its ring deadline, and the pushes
 * of the legs it rings or ends (the push ledger). Operations on one call run one at a time, so a
 * phone's report and an agent's hang-up arriving together are applied in order, never interleaved.
 */
export class CallLifecycle {
  readonly queue: KeyedQueue;
  readonly pushes: PushLedger;
  /** Report sequence numbers already applied (replays are no-ops), forgotten when the call ends. */
  readonly reports = new SeenReports();
  /** What push results set off (marking a token dead, dropping a leg), for `drain()`. */
  private readonly followUps: InFlight;
  /** Calls whose APNs answers wait for a change to take them (`RECORDS_WAIT_MS`), with their timers. */
  private readonly recordWaits = new Map<string, NodeJS.Timeout>();

  constructor(private readonly o: LifecycleOptions) {
    this.followUps = new InFlight((err) => o.logger.error({ err }, 'acting on a push result failed'));
    this.queue = new KeyedQueue(o.ports.locks);
    this.pushes = new PushLedger({
      sender: o.sender,
      devices: o.storage.devices,
      clock: o.clock,
      logger: o.logger,
      journal: o.ports.cancels,
      unreachable: (callId, deviceId, detail) => this.legUnreachable(callId, deviceId, detail),
      onStaffChanged: o.onStaffChanged,
      recordsWaiting: (callId) => this.recordsWaiting(callId),
      followUp: (task) => this.followUp(task),
    });
  }

  /** The call as it stands: from the live view where it is the authority, else from the database. */
  private async current(callId: string): Promise<Call | null> {
    return this.o.live.authority(callId) ?? (await this.o.storage.calls.get(callId));
  }

  /**
   * Stores a new call and tells those concerned; a live one starts ringing (`toPush` by push too).
   * `held`: the locks of the task creating it, when storing it is that task's last write under them.
   */
  async create(
    call: Call,
    actorDeviceId: string | null,
    toPush: DeviceRow[] = [],
    held?: Locks,
    quiet?: Quiet,
  ): Promise<void> {
    await this.commit(null, call, actorDeviceId, held, quiet);
    if (!isLive(call)) return;
    this.o.ports.timers.ringStarted(call);
    // The commit told connected phones; a phone in the background learns of it by push only.
    this.pushes.ring(call, toPush);
  }

  /**
   * Applies one event to a call in its queue: authorize → (replay?) → transition → commit. A
   * refusal changes nothing, and a replay is only recognised as one after its first commit.
   */
  apply(
    callId: string,
    event: CallEvent,
    source: EventSource,
    opts: ApplyOptions = {},
    /**
     * The locks of a task this one runs inside (queue.ts), as that task's last step (an answer
     * under the phone's lock, an accept under the agent's): the call is stored with their release.
     */
    within?: Locks,
  ): Promise<Call> {
    return this.queue.run(
      callId,
      async (held) => {
        const stored = await this.current(callId);
        if (!stored) throw notFound('call');
        const { call, taken } = this.pushes.records.take(stored);
        const refusal = opts.authorize?.(call);
        if (opts.replay?.seen()) return call;
        if (refusal) throw refusal;
        const step = opts.event?.() ?? event;
        const result = transition(call, step, this.o.clock.now(), source);
        if (!result.ok) throw new AppError(result.code, result.message);
        if (result.changed || taken > 0) {
          const actor = 'deviceId' in step && step.deviceId !== undefined ? step.deviceId : null;
          // Inside another task's hold, the call's key is taken on it: only the outer one ends it.
          await this.commit(stored, result.call, actor, within ?? held, opts.quiet);
          // Those that came meanwhile are left to the record write queued for them.
          this.pushes.records.stored(callId, taken);
        } else {
          // Nothing to store. Begun from a cluster node's copy of the call, a report is marked
          // seen only once the copy is known to be the call as stored (ports.ts `confirm`).
          await held.confirm?.();
        }
        opts.replay?.mark();
        return result.call;
      },
      'urgent',
      within,
    );
  }

  /** Applies a server event that may find the call moved on: then there is nothing left to do. */
  async settle(callId: string, event: CallEvent, source: EventSource = 'server'): Promise<void> {
    await this.apply(callId, event, source).catch((e) => {
      if (!(e instanceof AppError)) throw e;
    });
  }

  /** The ring deadline passed: a call nobody answered ends `missed`. */
  async ringOver(callId: string): Promise<void> {
    await this.settle(callId, { type: 'timeout' }).catch((err) => {
      this.o.logger.error({ err, callId }, 'ring timeout failed');
    });
  }

  /** APNs cannot reach this phone: unless it proved otherwise over its socket, drop its leg. */
  private async legUnreachable(callId: string, deviceId: string, detail: string): Promise<void> {
    if (this.o.presence.isDeviceOnline(deviceId)) return;
    await this.settle(callId, { type: 'legUnreachable', deviceId, detail }, 'apns');
  }

  /**
   * Persists a new version of a call, then tells exactly those the audience rule names. `held`:
   * the locks of the task, whose `persist` stores the call with their release (its last write).
   */
  async commit(
    prev: Call | null,
    next: Call,
    actorDeviceId: string | null,
    held?: Locks,
    /** The socket that takes its request's ack as this change (`ApplyOptions.quiet`). */
    quiet?: Quiet,
  ): Promise<void> {
    const delivery = audience({ prev, next, actorDeviceId });
    await this.pushes.beforeStored(next, delivery.devices, held);
    for (const observer of this.o.observers ?? []) await observer.beforeStored?.(prev, next, held);
    await this.o.storage.calls.save(next, held?.persist?.bind(held));
    this.o.live.put(next);
    if (!isLive(next) || next.state === 'connecting' || next.state === 'active') {
      this.o.ports.timers.ringEnded(next.id);
    }
    const ringing = (c: Call | null) => (c && liveTransfer(c)?.state === 'ringing' ? liveTransfer(c) : null);
    if (ringing(prev)?.startedAt !== ringing(next)?.startedAt || !isLive(next)) {
      this.o.ports.timers.transferRinging(next.id, isLive(next) ? (ringing(next)?.ringUntil ?? null) : null);
    }
    if (!isLive(next)) {
      this.reports.forget(next);
      // Once, as it ends: an ended call is stored again when a change that changes nothing (a
      // repeated hang-up) takes APNs answers that came after its end.
      if (prev === null || isLive(prev)) {
        this.o.metrics.calls.inc({ outcome: next.endReason ?? 'failed', direction: next.direction });
      }
    }
    this.deliver(next, delivery, quiet);
    for (const observer of this.o.observers ?? []) observer.committed?.(prev, next);
    if (!isLive(next)) this.pushes.forget(next);
    // Of a call, the roster shows only which phones are busy; each broadcast of it reads the staff
    // member and their phones from the database, so the call's other changes send none.
    if (busyPhones(prev) !== busyPhones(next)) this.o.onStaffChanged(next.staffId);
  }

  private deliver(call: Call, { agents, transferAgents, devices }: Delivery, quiet?: Quiet): void {
    const { notifier } = this.o;
    if (agents?.to === 'everyone') notifier.toAgents(agents.event, { call });
    else if (agents?.to === 'agents')
      for (const id of agents.agentIds) this.toAgent(id, agents.event, call, quiet);
    else if (agents) this.toAgent(agents.agentId, agents.event, call, quiet);
    for (const agentId of transferAgents) this.toAgent(agentId, 'call:changed', call, quiet);
    for (const { deviceId, cancel } of devices) {
      // Cancelled by socket and by push (a phone in the background has no socket, DESIGN lesson 3);
      // the push only when the phone does not acknowledge the socket's cancel in time.
      const acknowledged =
        cancel && notifier.cancelDevice(deviceId, { callId: call.id, reason: cancel }, CANCEL_ACK_GRACE_MS);
      if (quiet && 'deviceId' in quiet && quiet.deviceId === deviceId)
        notifier.toDeviceExcept(deviceId, quiet.socketId, 'call:changed', { call });
      else notifier.toDevice(deviceId, 'call:changed', { call });
      if (cancel) this.pushes.cancel(call, deviceId, cancel, acknowledged || null);
    }
  }

  /**
   * APNs answers came for a call that had none waiting: the call's next change takes them, or, if
   * none comes within `RECORDS_WAIT_MS`, a write of their own (`drain()` writes them at once).
   */
  private recordsWaiting(callId: string): void {
    if (this.recordWaits.has(callId)) return;
    const handle = setTimeout(() => this.recordsDue(callId), RECORDS_WAIT_MS);
    // Nothing is lost to an exit: the server's close drains them (`drain()`).
    handle.unref();
    this.recordWaits.set(callId, handle);
  }

  private recordsDue(callId: string): void {
    const handle = this.recordWaits.get(callId);
    if (!handle) return;
    clearTimeout(handle);
    this.recordWaits.delete(callId);
    // A change took them meanwhile: nothing to write (a cluster node would take the call's lock).
    if (this.pushes.records.waiting(callId)) this.writeRecords(callId);
  }

  /** A call's news to one agent's consoles: a change their request made, not to the one that asked. */
  private toAgent(agentId: string, event: 'call:changed' | 'call:incoming', call: Call, quiet?: Quiet): void {
    if (event === 'call:changed' && quiet && 'agentId' in quiet && quiet.agentId === agentId)
      this.o.notifier.toAgentExcept(agentId, quiet.socketId, event, { call });
    else this.o.notifier.toAgent(agentId, event, { call });
  }

  /** Stores the APNs answers waiting for this call, in a write of their own behind its other tasks. */
  private writeRecords(callId: string): void {
    const task = this.queue.run(
      callId,
      async (held) => {
        const call = await this.current(callId);
        if (!call) {
          this.pushes.records.drop(callId);
          return;
        }
        const { call: next, taken } = this.pushes.records.take(call);
        if (taken === 0) return;
        await this.o.storage.calls.save(next, held.persist?.bind(held));
        this.o.live.put(next);
        this.deliver(next, audience({ prev: call, next, actorDeviceId: null, pushRecord: true }));
        if (this.pushes.records.stored(callId, taken)) this.writeRecords(callId);
      },
      'lazy',
    );
    this.followUp(task);
  }

  /** Tracks `task` for `drain()`; a failure is logged, never thrown at whoever set it off. */
  followUp<T>(task: Promise<T>): Promise<T | null> {
    return this.followUps.track(task);
  }

  get pending(): number {
    return this.followUps.size + this.recordWaits.size;
  }

  /**
   * Resolves once every push result so far has been acted on (shutdown, tests): APNs answers still
   * waiting for a change are written now.
   */
  drain(): Promise<void> {
    for (const callId of [...this.recordWaits.keys()]) this.recordsDue(callId);
    return this.followUps.drain();
  }
}
