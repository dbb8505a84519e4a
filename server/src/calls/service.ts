import { randomUUID } from 'node:crypto';
import {
  type AgentRequest,
  type Call,
  type CallEvent,
  type Clock,
  createCall,
  type DeviceReportEvent,
  type DeviceRequest,
  declinedBy,
  type EndReason,
  ERROR_CODES,
  type EventSource,
  isLive,
  markPushesSending,
  type PushRecord,
  type RtcSignal,
  recordPush,
  type TimerHandle,
  transition,
  wasPushed,
} from '#shared';
import type { KeyLock } from '../cluster/lock';
import { AppError, forbidden, notFound } from '../errors';
import type { Logger } from '../ops/logger';
import type { Metrics } from '../ops/metrics';
import type { PushResult } from '../push';
import type { DeviceRow, Storage } from '../storage/types';
import { audience, type CallChange, consoleResync } from './audience';
import { involves, ReconnectGraces } from './graces';
import type { LiveCalls } from './live';
import type { DurableTimers, Notifier, Party, Presence } from './ports';
import type { CallPushes } from './pushes';
import { KeyedQueue } from './queue';
import { lostCancels } from './recovery';
import { syncConsole, syncPhone } from './sync';

export interface CallServiceOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  notifier: Notifier;
  presence: Presence;
  pushes: CallPushes;
  live: LiveCalls;
  /** Told which staff members' roster entries may have changed (busy, token state). */
  onStaffChanged: (staffId: string) => void;
  ringTimeoutMs: number;
  reconnectGraceMs: number;
  /** What the phone's call screen shows for calls from the console. */
  caller: { handle: string; organisation: string };
  /**
   * Cluster mode: serializes each call's (agent's, phone's) tasks across nodes too, and a call's
   * state is then read from the database under that lock, never from this node's cache.
   */
  crossNode?: KeyLock;
  /** Cluster mode: reconnect graces and cancels under way kept in PostgreSQL, to outlive this node. */
  durable?: DurableTimers;
}

const REPORT_EVENTS: Record<DeviceReportEvent, (deviceId: string, reason?: string) => CallEvent> = {
  reported: (deviceId) => ({ type: 'reported', deviceId }),
  answered: (deviceId) => ({ type: 'answered', deviceId }),
  connected: () => ({ type: 'connected' }),
  held: () => ({ type: 'hold', on: true }),
  resumed: () => ({ type: 'hold', on: false }),
  muted: () => ({ type: 'mute', on: true }),
  unmuted: () => ({ type: 'mute', on: false }),
  ended: (deviceId, reason) =>
    reason === 'declined' ? { type: 'declined', deviceId } : { type: 'hangup', deviceId },
};

/**
 * The authority on every call: it alone applies the state machine, persists the result and tells
 * the parties. Operations on one call run one at a time (a per-call queue), so a phone's report
 * and an agent's hang-up arriving together are applied in order, never interleaved.
 */
export class CallService {
  private readonly live: LiveCalls;
  private readonly timers = new Map<string, TimerHandle>();
  private readonly graces: ReconnectGraces;
  private readonly queue: KeyedQueue;
  /** Closed: sockets closing now are the server's own shutdown, not parties leaving. */
  private closed = false;
  /** APNs answers not yet on the stored call, by call id: the next write of the call takes them. */
  private readonly unrecorded = new Map<string, PushRecord[]>();
  /** `${callId}/${deviceId}` → report sequence numbers already applied (replays are no-ops). */
  private readonly seenSeqs = new Map<string, Set<string>>();
  /** What push results set off (marking a token dead, dropping a leg), for `drain()`. */
  private readonly followUps = new Set<Promise<unknown>>();

  constructor(private readonly o: CallServiceOptions) {
    this.live = o.live;
    this.queue = new KeyedQueue(o.crossNode);
    this.graces = new ReconnectGraces({
      clock: o.clock,
      graceMs: o.reconnectGraceMs,
      durable: o.durable,
      liveCalls: () => this.live.list(),
      over: (party) => this.dropParty(party),
      followUp: (task) => this.followUp(task),
    });
  }

  /** The call as it stands: from the database under the call's lock in cluster mode. */
  private async current(callId: string): Promise<Call | null> {
    return (this.o.crossNode ? undefined : this.live.get(callId)) ?? (await this.o.storage.calls.get(callId));
  }

  /** The ring deadline passed: a call nobody answered ends `missed` (throws if it moved on). */
  timeout(callId: string): Promise<Call> {
    return this.apply(callId, { type: 'timeout' }, 'server');
  }

  // MARK: - Lifecycle

  /** Ends, as `failed`, every call a previous run left unfinished, and cancels their pushes. */
  async recover(): Promise<number> {
    const orphans = await this.o.storage.calls.listLive();
    for (const call of orphans) {
      const result = transition(
        call,
        { type: 'fail', detail: 'the server restarted before the call finished' },
        this.o.clock.now(),
        'server',
      );
      if (result.ok) await this.commit(call, result.call, null);
    }
    await this.resendLostCancels();
    return orphans.length;
  }

  /**
   * Cancels of calls that ended shortly before the restart, which APNs never confirmed: their
   * retries lived in the dead process's memory. A phone in the background would otherwise ring on.
   */
  private async resendLostCancels(): Promise<void> {
    for (const { call, deviceId, reason } of await lostCancels(this.o.storage.calls, this.o.clock.now())) {
      this.o.pushes.cancel(call, deviceId, reason, (r) => this.recordPush(call.id, r));
    }
  }

  /**
   * Ends, as `failed`, every live call, telling consoles and phones (cancel pushes included): a
   * server that stops for good (the desktop app quitting) must not leave a phone's call screen up.
   */
  async endAll(detail: string): Promise<number> {
    const live = this.live.list();
    for (const call of live) {
      await this.apply(call.id, { type: 'fail', detail }, 'server').catch((e) => {
        if (!(e instanceof AppError)) throw e;
      });
    }
    return live.length;
  }

  close(): void {
    this.closed = true;
    for (const handle of this.timers.values()) this.o.clock.clearTimeout(handle);
    this.timers.clear();
    this.graces.close();
  }

  // MARK: - Parties coming and going

  /**
   * The last socket of a console or phone closed. A call it is a party to waits the reconnect
   * grace for it (a network blip, a relaunch) and then ends `failed`, so a party that is gone for
   * good never leaves the other one in a silent call, nor the agent busy forever.
   */
  partyLeft(party: Party): void {
    this.graces.left(party);
  }

  /** A socket of the party connected: its calls go on. */
  partyBack(party: Party): void {
    this.graces.back(party);
  }

  /** The party's grace ended without it (a durable grace, fired by any node): its calls fail. */
  graceOver(party: Party): Promise<void> {
    return this.dropParty(party);
  }

  /**
   * Sends a cancel another node had under way when it died (cluster mode); its row goes once APNs
   * gave its last word.
   */
  resendCancel(call: Call, deviceId: string, reason: EndReason): void {
    const sent = this.o.pushes.cancel(call, deviceId, reason, (r) => this.recordPush(call.id, r));
    this.followUp(sent.then((result) => this.cancelSettled(call.id, deviceId, result)));
  }

  /**
   * APNs' last word on a cancel ends its durable row; a cancel cut short by this node's shutdown
   * keeps it, and another node sends it (cluster/index.ts releases the lease on close).
   */
  private async cancelSettled(callId: string, deviceId: string, result: PushResult | null): Promise<void> {
    if (this.closed && result?.outcome === 'retryable') return;
    await this.o.durable?.cancelDone(callId, deviceId);
  }

  private async dropParty(party: Party): Promise<void> {
    const online =
      'agentId' in party
        ? this.o.presence.onlineAgentIds().includes(party.agentId)
        : this.o.presence.isDeviceOnline(party.deviceId);
    if (online) return;
    const who = 'agentId' in party ? 'console' : 'phone';
    const seconds = Math.round(this.o.reconnectGraceMs / 1000);
    const detail = `the ${who} lost its connection and did not come back within ${seconds} s`;
    for (const call of this.live.list().filter((c) => involves(c, party))) {
      await this.apply(call.id, { type: 'fail', detail }, 'server').catch((e) => {
        if (!(e instanceof AppError)) throw e;
      });
    }
  }

  get pending(): number {
    return this.followUps.size;
  }

  /** Resolves once every push result so far has been acted on (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.followUps.size > 0) await Promise.allSettled([...this.followUps]);
  }

  // MARK: - Queries

  liveCalls(): Call[] {
    return this.live.list();
  }

  isDeviceBusy(deviceId: string): boolean {
    return this.live.isDeviceBusy(deviceId);
  }

  isAgentBusy(agentId: string): boolean {
    return this.live.isAgentBusy(agentId);
  }

  /** The live calls a (re)connecting console is sent, by the same rule as the live broadcasts. */
  resyncFor(agentId: string) {
    return consoleResync(agentId, this.live.list());
  }

  /** What a reconnecting console asks about the calls it still shows (sync.ts). */
  syncAgent(agentId: string, req: AgentRequest<'call:sync'>) {
    return syncConsole(agentId, req, this.live, this.o.storage.calls);
  }

  /** What a waking phone asks: which of its calls still go on, and how the others ended. */
  sync(deviceId: string, req: DeviceRequest<'call:sync'>) {
    return syncPhone(deviceId, req, this.live, this.o.storage.calls);
  }

  /**
   * Checks a "busy" of the live view against the database: in a cluster that view learns other
   * nodes' changes over Redis, and one that ended while Redis was away must not block the agent.
   */
  private async stillBusy(agentId: string): Promise<boolean> {
    for (const cached of this.live.list().filter((c) => c.agentId === agentId)) {
      const stored = await this.o.storage.calls.get(cached.id);
      if (stored && !isLive(stored)) this.live.put(stored);
    }
    return this.isAgentBusy(agentId);
  }

  // MARK: - Agent commands

  /** One live call per agent: placements and accepts of one agent run one at a time. */
  place(agentId: string, req: AgentRequest<'call:place'>): Promise<Call> {
    return this.queue.run(agentKey(agentId), () => this.placeNow(agentId, req));
  }

  private async placeNow(agentId: string, req: AgentRequest<'call:place'>): Promise<Call> {
    if (this.isAgentBusy(agentId) && (await this.stillBusy(agentId))) {
      throw new AppError(ERROR_CODES.BUSY, 'you are already in a call; hang it up first');
    }
    const target = await this.resolveTarget(req);
    const agent = await this.o.storage.agents.findById(agentId);
    const now = this.o.clock.now();
    let call = createCall({
      id: randomUUID(),
      direction: 'outbound',
      agentId,
      staffId: target.staffId,
      deviceIds: target.devices.map((d) => d.id),
      handle: this.o.caller.handle,
      callerName: `${this.o.caller.organisation} · ${agent?.name ?? 'Agent'}`,
      video: req.video,
      createdAt: now,
      ringUntil: now + this.o.ringTimeoutMs,
      source: 'agent',
    });
    const step = (event: CallEvent, source: EventSource) => {
      const r = transition(call, event, now, source);
      if (r.ok) call = r.call;
    };
    if (target.devices.length === 0) {
      step({ type: 'unreachable', detail: 'this staff member has no paired phone' }, 'server');
    } else if (target.devices.some((d) => this.isDeviceBusy(d.id))) {
      step({ type: 'busy', detail: 'already in a call' }, 'server');
    } else {
      for (const device of target.devices) {
        const why = this.unreachableReason(device);
        if (why) step({ type: 'legUnreachable', deviceId: device.id, detail: why }, 'server');
      }
    }
    const toPush = isLive(call)
      ? target.devices.filter((d) => !this.unreachableReason(d) && this.pushable(d))
      : [];
    call = markPushesSending(
      call,
      toPush.map((d) => d.id),
      now,
    );
    await this.commit(null, call, null);
    if (isLive(call)) {
      this.armRingTimer(call);
      // The commit told connected phones; a phone in the background learns of it by push only.
      for (const device of toPush) this.ring(call, device);
    }
    return call;
  }

  async act(agentId: string, callId: string, event: CallEvent): Promise<Call> {
    if (event.type === 'accepted') {
      // Any agent may try; the state machine tells the late ones it was answered elsewhere.
      return this.queue.run(agentKey(agentId), () =>
        this.apply(callId, event, 'agent', {
          authorize: (call) => {
            if (call.direction === 'inbound' && call.agentId === null && this.isAgentBusy(agentId)) {
              throw new AppError(ERROR_CODES.BUSY, 'you are already in a call; hang it up first');
            }
            return undefined;
          },
        }),
      );
    }
    let step = event;
    return this.apply(callId, event, 'agent', {
      authorize: (call) => {
        if (call.direction !== 'inbound' || call.agentId !== null) {
          if (call.agentId !== agentId) throw forbidden('this call belongs to another agent');
          return undefined;
        }
        // An unclaimed inbound call rings every agent: one agent's decline takes only that agent
        // off it; it ends declined once every signed-in agent has declined.
        if (event.type === 'declined' || event.type === 'hangup') {
          const declined = declinedBy(call);
          const everyoneDeclined = this.o.presence
            .onlineAgentIds()
            .every((id) => id === agentId || declined.has(id));
          step = { type: 'declined', agentId, everyoneDeclined };
        }
        return undefined;
      },
      event: () => step,
    });
  }

  // MARK: - Device commands

  async report(deviceId: string, req: DeviceRequest<'call:report'>): Promise<Call> {
    const key = `${req.callId}/${deviceId}`;
    // Keyed by number and event: a phone app that restarts mid-call counts from 1 again.
    const id = `${req.seq}:${req.event}`;
    const apply = () =>
      this.apply(req.callId, REPORT_EVENTS[req.event](deviceId, req.reason), 'device', {
        authorize: (call) => this.authorizeReport(call, deviceId, req.event),
        replay: {
          // Marked seen only once its transition is committed: a refused report may be retried.
          seen: () => this.seenSeqs.get(key)?.has(id) ?? false,
          mark: () => this.seenSeqs.set(key, (this.seenSeqs.get(key) ?? new Set()).add(id)),
        },
      });
    // One answered call per phone: its answers run one at a time.
    return req.event === 'answered' ? this.queue.run(deviceKey(deviceId), apply) : apply();
  }

  /** Reports count only from a phone whose part of the call goes on. */
  private authorizeReport(call: Call, deviceId: string, event: DeviceReportEvent): AppError | undefined {
    const leg = call.devices.find((l) => l.deviceId === deviceId);
    if (!leg) throw forbidden('this phone was not rung for this call');
    // The phone that lost a ring-all race (or declined) has no say in how the call goes on.
    if (leg.state === 'ended' && isLive(call)) return legIsOver(leg);
    if (event === 'answered' && call.answeredByDeviceId !== deviceId && this.isDeviceBusy(deviceId)) {
      throw new AppError(ERROR_CODES.BUSY, 'this phone is already in another call');
    }
    return undefined;
  }

  /** A phone calls the console: every online agent is offered it; the first to accept takes it. */
  startFromDevice(device: DeviceRow, req: DeviceRequest<'call:start'>): Promise<Call> {
    // One call per phone: its starts run one at a time, so a retried start finds the first one's
    // call (same id) and a second start finds the phone busy.
    return this.queue.run(deviceKey(device.id), () => this.start(device, req));
  }

  private async start(device: DeviceRow, req: DeviceRequest<'call:start'>): Promise<Call> {
    if (req.callId !== undefined) {
      const existing = this.live.get(req.callId) ?? (await this.o.storage.calls.get(req.callId));
      if (existing?.direction === 'inbound' && existing.devices[0]?.deviceId === device.id) return existing;
      if (existing) throw new AppError(ERROR_CODES.CONFLICT, 'a different call already has this id');
    }
    if (this.isDeviceBusy(device.id)) {
      throw new AppError(ERROR_CODES.BUSY, 'this phone is already in a call');
    }
    const staff = await this.o.storage.staff.get(device.staffId);
    if (!staff) throw notFound('staff member');
    const now = this.o.clock.now();
    let call = createCall({
      id: req.callId ?? randomUUID(),
      direction: 'inbound',
      agentId: null,
      staffId: staff.id,
      deviceIds: [device.id],
      handle: staff.handle ?? staff.name,
      callerName: staff.name,
      video: req.video,
      createdAt: now,
      ringUntil: now + this.o.ringTimeoutMs,
      source: 'device',
    });
    if (this.o.presence.onlineAgentIds().length === 0) {
      const r = transition(call, { type: 'unreachable', detail: 'no agent is online' }, now, 'server');
      if (r.ok) call = r.call;
    }
    await this.commit(null, call, device.id);
    if (isLive(call)) this.armRingTimer(call);
    return call;
  }

  /**
   * WebRTC signaling goes only between a call's two parties once it is answered: the agent and
   * the phone that answered (or placed) it. Anyone else gets FORBIDDEN.
   */
  relaySignal(from: Party, callId: string, signal: RtcSignal): void {
    const { peer } = this.rtcPeer(from, callId);
    const sender = 'agentId' in from ? from.agentId : from.deviceId;
    if ('deviceId' in peer)
      this.o.notifier.toDevice(peer.deviceId, 'rtc:signal', { callId, from: sender, signal });
    else this.o.notifier.toAgent(peer.agentId, 'rtc:signal', { callId, from: sender, signal });
  }

  /**
   * The other party of an answered call, for media (signals, ICE servers), and when it was
   * answered (TURN credentials are timed from it): throws unless `from` is one of the call's two
   * parties, so nobody else can join or learn a call's TURN credentials.
   */
  rtcPeer(from: Party, callId: string): { peer: Party; answeredAt: number } {
    const call = this.live.get(callId);
    if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
    const phone =
      call.direction === 'outbound' ? call.answeredByDeviceId : (call.devices[0]?.deviceId ?? null);
    if (call.agentId === null || phone === null) {
      throw new AppError(ERROR_CODES.INVALID_TRANSITION, 'the call is not answered yet');
    }
    const answeredAt = call.answeredAt ?? call.createdAt;
    if ('agentId' in from) {
      if (from.agentId !== call.agentId) throw forbidden('this call belongs to another agent');
      return { peer: { deviceId: phone }, answeredAt };
    }
    if (from.deviceId !== phone) throw forbidden('this phone is not the party of this call');
    return { peer: { agentId: call.agentId }, answeredAt };
  }

  // MARK: - Push results

  private ring(call: Call, device: DeviceRow): void {
    const result = this.o.pushes.ring(call, device, (record) => this.recordPush(call.id, record));
    this.followUp(result.then((r) => r && this.afterRing(call.id, device, r)));
  }

  /** APNs' last word on a ring decides whether the phone stays in it. */
  private async afterRing(callId: string, device: DeviceRow, result: PushResult): Promise<void> {
    if (result.outcome === 'tokenInvalid' && device.voipToken !== null) {
      const reason = `${result.status ?? ''} ${result.reason ?? 'token rejected'}`.trim();
      const changed = await this.o.storage.devices.markTokenInvalid(
        device.id,
        device.voipToken,
        reason,
        result.at,
      );
      if (changed) this.o.onStaffChanged(changed.staffId);
      await this.legUnreachable(callId, device.id, `APNs: ${reason}`);
    } else if (result.outcome === 'configError') {
      await this.legUnreachable(callId, device.id, `APNs configuration: ${result.reason}`);
    }
  }

  /**
   * Every APNs attempt goes on the call, so the console can show "APNs accepted +38 ms". Recording
   * is lazy: it waits behind nothing and nothing waits behind it; a transition that comes first
   * takes the pending records into its own write.
   */
  private recordPush(callId: string, record: PushRecord): void {
    const pending = this.unrecorded.get(callId);
    // A write of this call's records is queued (or running, and goes round again): it takes this one.
    if (pending) {
      pending.push(record);
      return;
    }
    this.unrecorded.set(callId, [record]);
    this.writeRecords(callId);
  }

  private writeRecords(callId: string): void {
    const task = this.queue.run(
      callId,
      async () => {
        const call = await this.current(callId);
        if (!call) {
          this.unrecorded.delete(callId);
          return;
        }
        const { call: next, taken } = this.withPushes(call);
        if (taken === 0) return;
        await this.o.storage.calls.save(next);
        this.live.put(next);
        this.deliver({ prev: call, next, actorDeviceId: null, pushRecord: true });
        if (this.recorded(callId, taken)) this.writeRecords(callId);
      },
      'lazy',
    );
    this.followUp(task);
  }

  /**
   * The call with the APNs answers not yet recorded on it, and how many it took. They stay pending
   * until `recorded()`: a transition refused after reading them must not lose them.
   */
  private withPushes(call: Call): { call: Call; taken: number } {
    const pending = this.unrecorded.get(call.id) ?? [];
    return { call: pending.reduce(recordPush, call), taken: pending.length };
  }

  /** The first `taken` pending records are stored; true when more came meanwhile. */
  private recorded(callId: string, taken: number): boolean {
    const pending = this.unrecorded.get(callId);
    if (!pending || taken === 0) return false;
    pending.splice(0, taken);
    if (pending.length > 0) return true;
    this.unrecorded.delete(callId);
    return false;
  }

  /** APNs cannot reach this phone: unless it proved otherwise over its socket, drop its leg. */
  private async legUnreachable(callId: string, deviceId: string, detail: string): Promise<void> {
    if (this.o.presence.isDeviceOnline(deviceId)) return;
    await this.apply(callId, { type: 'legUnreachable', deviceId, detail }, 'apns').catch((e) => {
      if (!(e instanceof AppError)) throw e;
    });
  }

  private followUp(task: Promise<unknown>): void {
    const settled = task.catch((err) => this.o.logger.error({ err }, 'acting on a push result failed'));
    this.followUps.add(settled);
    void settled.finally(() => this.followUps.delete(settled));
  }

  // MARK: - Internals

  /**
   * Applies one event to a call in its queue: authorize → (replay?) → transition → commit. A
   * refusal changes nothing, and a replay is only recognised as one after its first commit.
   */
  private async apply(
    callId: string,
    event: CallEvent,
    source: EventSource,
    opts: {
      /** Throws to refuse; returns the refusal to give unless the request is a replay. */
      authorize?: (call: Call) => AppError | undefined;
      /** The event to apply, when authorizing decided it (an agent's decline of an inbound call). */
      event?: () => CallEvent;
      replay?: { seen(): boolean; mark(): void };
    } = {},
  ): Promise<Call> {
    return this.queue.run(callId, async () => {
      const stored = await this.current(callId);
      if (!stored) throw notFound('call');
      const { call, taken } = this.withPushes(stored);
      const refusal = opts.authorize?.(call);
      if (opts.replay?.seen()) return call;
      if (refusal) throw refusal;
      const step = opts.event?.() ?? event;
      const result = transition(call, step, this.o.clock.now(), source);
      if (!result.ok) throw new AppError(result.code, result.message);
      if (result.changed || taken > 0) {
        const actor = 'deviceId' in step && step.deviceId !== undefined ? step.deviceId : null;
        await this.commit(stored, result.call, actor);
        // Those that came meanwhile are left to the record write queued for them.
        this.recorded(callId, taken);
      }
      opts.replay?.mark();
      return result.call;
    });
  }

  /** Persists a new version of a call, then tells exactly those the audience rule names. */
  private async commit(prev: Call | null, next: Call, actorDeviceId: string | null): Promise<void> {
    if (this.o.durable) {
      // Before the end is stored: a node that dies between the two leaves its cancels to another.
      const cancels = audience({ prev, next, actorDeviceId })
        .devices.filter((d) => d.cancel !== null && wasPushed(next, d.deviceId))
        .map((d) => ({ deviceId: d.deviceId, reason: d.cancel! }));
      if (cancels.length > 0) await this.o.durable.cancelsPending(next.id, cancels);
    }
    await this.o.storage.calls.save(next);
    this.live.put(next);
    if (!isLive(next) || next.state === 'connecting' || next.state === 'active') this.clearRingTimer(next.id);
    if (!isLive(next)) {
      for (const leg of next.devices) this.seenSeqs.delete(`${next.id}/${leg.deviceId}`);
      this.o.metrics.calls.inc({ outcome: next.endReason ?? 'failed', direction: next.direction });
    }
    this.deliver({ prev, next, actorDeviceId });
    if (!isLive(next)) this.o.pushes.forget(next);
    const busyChanged =
      prev === null || prev.state !== next.state || prev.answeredByDeviceId !== next.answeredByDeviceId;
    if (busyChanged) this.o.onStaffChanged(next.staffId);
  }

  private deliver(change: CallChange): void {
    const { next: call } = change;
    const { agents, devices } = audience(change);
    if (agents?.to === 'everyone') this.o.notifier.toAgents(agents.event, { call });
    else if (agents) this.o.notifier.toAgent(agents.agentId, agents.event, { call });
    for (const { deviceId, cancel } of devices) {
      // Cancelled by socket and by push: a phone in the background has no socket (DESIGN lesson 3).
      if (cancel) this.o.notifier.toDevice(deviceId, 'call:cancelled', { callId: call.id, reason: cancel });
      this.o.notifier.toDevice(deviceId, 'call:changed', { call });
      if (!cancel) continue;
      const sent = this.o.pushes.cancel(call, deviceId, cancel, (r) => this.recordPush(call.id, r));
      if (this.o.durable) this.followUp(sent.then((result) => this.cancelSettled(call.id, deviceId, result)));
    }
  }

  private armRingTimer(call: Call): void {
    const delay = Math.max(0, call.ringUntil - this.o.clock.now());
    const handle = this.o.clock.setTimeout(() => {
      this.timers.delete(call.id);
      this.apply(call.id, { type: 'timeout' }, 'server').catch((e) => {
        // Answered or ended meanwhile: the timeout simply has nothing left to do.
        if (!(e instanceof AppError)) this.o.logger.error({ err: e, callId: call.id }, 'ring timeout failed');
      });
    }, delay);
    this.timers.set(call.id, handle);
  }

  private clearRingTimer(callId: string): void {
    const handle = this.timers.get(callId);
    if (handle) this.o.clock.clearTimeout(handle);
    this.timers.delete(callId);
  }

  private async resolveTarget(req: AgentRequest<'call:place'>) {
    if ('deviceId' in req) {
      const device = await this.o.storage.devices.get(req.deviceId);
      if (!device) throw notFound('device');
      return { staffId: device.staffId, devices: [device] };
    }
    const staff = await this.o.storage.staff.get(req.staffId);
    if (!staff) throw notFound('staff member');
    return { staffId: staff.id, devices: await this.o.storage.devices.listByStaff(staff.id) };
  }

  private pushable(device: DeviceRow): boolean {
    return this.o.pushes.enabled && device.voipToken !== null && device.tokenInvalidAt === null;
  }

  /** Why a phone cannot be rung at all, or null when a socket or a push can reach it. */
  private unreachableReason(device: DeviceRow): string | null {
    if (this.o.presence.isDeviceOnline(device.id) || this.pushable(device)) return null;
    if (device.voipToken === null) return 'no VoIP push token yet and not connected';
    if (device.tokenInvalidAt !== null) {
      return `push token invalid (${device.tokenInvalidReason ?? 'rejected by APNs'}) and not connected`;
    }
    return 'APNs is not configured on this server and the phone is not connected';
  }
}

const agentKey = (agentId: string) => `agent:${agentId}`;
const deviceKey = (deviceId: string) => `device:${deviceId}`;

function legIsOver(leg: Call['devices'][number]): AppError {
  return leg.endReason === 'answeredElsewhere'
    ? new AppError(ERROR_CODES.ANSWERED_ELSEWHERE, 'another device answered this call')
    : new AppError(
        ERROR_CODES.CALL_ENDED,
        `this phone's part of the call is over (${leg.endReason ?? 'ended'})`,
      );
}

export type { Party } from './ports';
