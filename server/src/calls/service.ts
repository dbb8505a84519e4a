import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '#shared';
import {
  type AgentRequest,
  type Call,
  type CallEvent,
  createCall,
  type DeviceReportEvent,
  type DeviceRequest,
  ERROR_CODES,
  type EventSource,
  isLive,
  type RtcSignal,
  transition,
} from '#shared';
import { AppError, forbidden, notFound } from '../errors';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { DeviceRow, Storage } from '../storage/types';
import type { Notifier, Presence } from './ports';
import type { CallPushes } from './pushes';

export interface CallServiceOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  notifier: Notifier;
  presence: Presence;
  pushes: CallPushes;
  /** Told which staff members' roster entries may have changed (busy, token state). */
  onStaffChanged: (staffId: string) => void;
  ringTimeoutMs: number;
  /** What the phone's call screen shows for calls from the console. */
  caller: { handle: string; organisation: string };
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
  private readonly live = new Map<string, Call>();
  private readonly timers = new Map<string, TimerHandle>();
  private readonly queues = new Map<string, Promise<unknown>>();
  /** `${callId}/${deviceId}` → report sequence numbers already applied (replays are no-ops). */
  private readonly seenSeqs = new Map<string, Set<string>>();

  constructor(private readonly o: CallServiceOptions) {}

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
    return orphans.length;
  }

  close(): void {
    for (const handle of this.timers.values()) this.o.clock.clearTimeout(handle);
    this.timers.clear();
  }

  // MARK: - Queries

  liveCalls(): Call[] {
    return [...this.live.values()];
  }

  /** A device is busy while it is the answering (or calling) party of a live call. */
  isDeviceBusy(deviceId: string): boolean {
    for (const call of this.live.values()) {
      if (call.devices.some((l) => l.deviceId === deviceId && l.state === 'answered')) return true;
    }
    return false;
  }

  isAgentBusy(agentId: string): boolean {
    for (const call of this.live.values()) if (call.agentId === agentId) return true;
    return false;
  }

  /** What a waking phone asks: which of its calls still go on, and how the others ended. */
  async sync(deviceId: string, req: DeviceRequest<'call:sync'>) {
    const mine = (c: Call) => c.devices.find((l) => l.deviceId === deviceId);
    const live = this.liveCalls().filter((c) => {
      const leg = mine(c);
      return leg !== undefined && leg.state !== 'ended';
    });
    const liveIds = new Set(live.map((c) => c.id));
    const ended = [];
    for (const callId of req.callIds) {
      if (liveIds.has(callId)) continue;
      const call = this.live.get(callId) ?? (await this.o.storage.calls.get(callId));
      const leg = call ? mine(call) : undefined;
      // An unknown call, or one this phone is not part of, is over as far as the phone goes.
      ended.push({ callId, endReason: leg ? (leg.endReason ?? call?.endReason ?? null) : null });
    }
    return { live, ended };
  }

  // MARK: - Agent commands

  async place(agentId: string, req: AgentRequest<'call:place'>): Promise<Call> {
    if (this.isAgentBusy(agentId)) {
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
    await this.commit(null, call, null);
    if (isLive(call)) {
      this.armRingTimer(call);
      for (const device of target.devices) {
        if (this.unreachableReason(device)) continue;
        this.o.notifier.toDevice(device.id, 'call:changed', { call });
        if (this.pushable(device)) this.o.pushes.ring(call, device);
      }
    }
    return call;
  }

  async act(agentId: string, callId: string, event: CallEvent): Promise<Call> {
    return this.apply(callId, event, 'agent', (call) => {
      if (call.direction === 'inbound' && event.type === 'accepted') {
        // Any agent may try; the state machine tells the late ones it was answered elsewhere.
        if (call.agentId === null && this.isAgentBusy(agentId)) {
          throw new AppError(ERROR_CODES.BUSY, 'you are already in a call; hang it up first');
        }
        return;
      }
      const unclaimedInbound = call.direction === 'inbound' && call.agentId === null;
      if (unclaimedInbound && (event.type === 'declined' || event.type === 'hangup')) return;
      if (call.agentId !== agentId) throw forbidden('this call belongs to another agent');
    });
  }

  // MARK: - Device commands

  async report(deviceId: string, req: DeviceRequest<'call:report'>): Promise<Call> {
    const key = `${req.callId}/${deviceId}`;
    return this.apply(
      req.callId,
      REPORT_EVENTS[req.event](deviceId, req.reason),
      'device',
      (call) => {
        if (!call.devices.some((l) => l.deviceId === deviceId)) {
          throw forbidden('this phone was not rung for this call');
        }
      },
      () => {
        // Keyed by number and event: a phone app that restarts mid-call counts from 1 again.
        const seen = this.seenSeqs.get(key) ?? new Set<string>();
        const id = `${req.seq}:${req.event}`;
        if (seen.has(id)) return true;
        seen.add(id);
        this.seenSeqs.set(key, seen);
        return false;
      },
    );
  }

  /** A phone calls the console: every online agent is offered it; the first to accept takes it. */
  async startFromDevice(device: DeviceRow, req: DeviceRequest<'call:start'>): Promise<Call> {
    // A retried start must find the first one's call, not race it: same id, same queue.
    return req.callId === undefined
      ? this.start(device, req)
      : this.queue(req.callId, () => this.start(device, req));
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
    if (isLive(call)) {
      this.armRingTimer(call);
      this.o.notifier.toAgents('call:incoming', { call });
    }
    return call;
  }

  /**
   * WebRTC signaling goes only between a call's two parties once it is answered: the agent and
   * the phone that answered (or placed) it. Anyone else gets FORBIDDEN.
   */
  relaySignal(from: { agentId: string } | { deviceId: string }, callId: string, signal: RtcSignal): void {
    const call = this.live.get(callId);
    if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
    const phone =
      call.direction === 'outbound' ? call.answeredByDeviceId : (call.devices[0]?.deviceId ?? null);
    if (call.agentId === null || phone === null) {
      throw new AppError(ERROR_CODES.INVALID_TRANSITION, 'the call is not answered yet');
    }
    if ('agentId' in from) {
      if (from.agentId !== call.agentId) throw forbidden('this call belongs to another agent');
      this.o.notifier.toDevice(phone, 'rtc:signal', { callId, from: from.agentId, signal });
    } else {
      if (from.deviceId !== phone) throw forbidden('this phone is not the party of this call');
      this.o.notifier.toAgent(call.agentId, 'rtc:signal', { callId, from: from.deviceId, signal });
    }
  }

  // MARK: - Push results (from CallPushes)

  async pushRecorded(callId: string, mutate: (call: Call) => Call): Promise<void> {
    await this.queue(callId, async () => {
      const call = this.live.get(callId) ?? (await this.o.storage.calls.get(callId));
      if (!call) return;
      const next = mutate(call);
      await this.o.storage.calls.save(next);
      if (isLive(next)) this.live.set(callId, next);
      this.o.notifier.toAgents('call:changed', { call: next });
    });
  }

  /** APNs cannot reach this phone: unless it proved otherwise over its socket, drop its leg. */
  async legUnreachable(callId: string, deviceId: string, detail: string): Promise<void> {
    if (this.o.presence.isDeviceOnline(deviceId)) return;
    const noCheck = () => undefined;
    await this.apply(callId, { type: 'legUnreachable', deviceId, detail }, 'apns', noCheck).catch((e) => {
      if (!(e instanceof AppError)) throw e;
    });
  }

  // MARK: - Internals

  private async apply(
    callId: string,
    event: CallEvent,
    source: EventSource,
    authorize: (call: Call) => void,
    isReplay: () => boolean = () => false,
  ): Promise<Call> {
    return this.queue(callId, async () => {
      const call = this.live.get(callId) ?? (await this.o.storage.calls.get(callId));
      if (!call) throw notFound('call');
      authorize(call);
      if (isReplay()) return call;
      const result = transition(call, event, this.o.clock.now(), source);
      if (!result.ok) throw new AppError(result.code, result.message);
      if (result.changed) {
        const actor = 'deviceId' in event && event.deviceId !== undefined ? event.deviceId : null;
        await this.commit(call, result.call, actor);
      }
      return result.call;
    });
  }

  /**
   * Persists a new version of a call, then tells everyone concerned. When legs end (a phone lost
   * to another's answer, or the whole call over), those phones are told by socket and by VoIP
   * push, since a phone in the background has no socket; the phone that caused it is not.
   */
  private async commit(prev: Call | null, next: Call, actorDeviceId: string | null): Promise<void> {
    await this.o.storage.calls.save(next);
    if (isLive(next)) {
      this.live.set(next.id, next);
      if (next.state === 'connecting' || next.state === 'active') this.clearRingTimer(next.id);
    } else {
      this.live.delete(next.id);
      this.clearRingTimer(next.id);
      for (const leg of next.devices) this.seenSeqs.delete(`${next.id}/${leg.deviceId}`);
      this.o.metrics.calls.inc({ outcome: next.endReason ?? 'failed', direction: next.direction });
    }
    this.o.notifier.toAgents('call:changed', { call: next });

    for (const leg of next.devices) {
      const before = prev?.devices.find((l) => l.deviceId === leg.deviceId);
      const legEnded = leg.state === 'ended' && before !== undefined && before.state !== 'ended';
      const callEnded = prev !== null && isLive(prev) && !isLive(next);
      if (leg.deviceId === actorDeviceId) {
        this.o.notifier.toDevice(leg.deviceId, 'call:changed', { call: next });
      } else if (legEnded || (callEnded && before?.state === 'answered')) {
        const reason = leg.endReason ?? next.endReason ?? 'failed';
        this.o.notifier.toDevice(leg.deviceId, 'call:cancelled', { callId: next.id, reason });
        this.o.notifier.toDevice(leg.deviceId, 'call:changed', { call: next });
        this.o.pushes.cancel(next, leg.deviceId, reason);
      } else if (before?.state !== 'ended') {
        this.o.notifier.toDevice(leg.deviceId, 'call:changed', { call: next });
      }
    }
    if (!isLive(next)) this.o.pushes.forget(next);
    const busyChanged =
      prev === null || prev.state !== next.state || prev.answeredByDeviceId !== next.answeredByDeviceId;
    if (busyChanged) this.o.onStaffChanged(next.staffId);
  }

  private queue<T>(callId: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(callId) ?? Promise.resolve();
    const run = previous.then(task, task);
    const settled = run.catch(() => undefined);
    this.queues.set(callId, settled);
    void settled.then(() => {
      if (this.queues.get(callId) === settled) this.queues.delete(callId);
    });
    return run;
  }

  private armRingTimer(call: Call): void {
    const delay = Math.max(0, call.ringUntil - this.o.clock.now());
    const handle = this.o.clock.setTimeout(() => {
      this.timers.delete(call.id);
      this.apply(call.id, { type: 'timeout' }, 'server', () => undefined).catch((e) => {
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
