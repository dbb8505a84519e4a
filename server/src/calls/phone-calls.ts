import { randomUUID } from 'node:crypto';
import {
  type Call,
  type CallEvent,
  type Clock,
  createCall,
  type DeviceReportEvent,
  type DeviceRequest,
  ERROR_CODES,
  isLive,
  transition,
} from '#shared';
import { AppError, forbidden, notFound } from '../errors';
import type { DeviceRow, Storage } from '../storage/types';
import type { CallLifecycle } from './lifecycle';
import type { LiveCalls } from './live';
import type { Locks, Presence } from './ports';

export interface PhoneCallsOptions {
  storage: Storage;
  clock: Clock;
  presence: Presence;
  live: LiveCalls;
  ringTimeoutMs: number;
  /** The agents an inbound call rings: those online and Available (availability/). */
  availableAgentIds?: () => Promise<string[]>;
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

const deviceKey = (deviceId: string) => `device:${deviceId}`;

/** What a phone tells of calls (its CallKit reports) and asks (a call to the consoles). */
export class PhoneCalls {
  constructor(
    private readonly life: CallLifecycle,
    private readonly o: PhoneCallsOptions,
  ) {}

  /** `quiet`: the reporting socket, when it takes the ack as the change (`ApplyOptions.quiet`). */
  report(deviceId: string, req: DeviceRequest<'call:report'>, quiet?: string): Promise<Call> {
    const { reports } = this.life;
    const apply = (busy = false, within?: Locks) =>
      this.life.apply(
        req.callId,
        REPORT_EVENTS[req.event](deviceId, req.reason),
        'device',
        {
          authorize: (call) => this.authorizeReport(call, deviceId, busy),
          replay: {
            // Marked seen only once its transition is committed: a refused report may be retried.
            seen: () => reports.seen(req.callId, deviceId, req),
            mark: () => reports.mark(req.callId, deviceId, req),
          },
          quiet: quiet === undefined ? undefined : { deviceId, socketId: quiet },
        },
        within,
      );
    if (req.event !== 'answered') return apply();
    // One answered call per phone: its answers run one at a time, and see what it is in then.
    return this.life.queue.run(deviceKey(deviceId), async (inner) =>
      apply(await this.o.live.deviceBusyNow(deviceId, req.callId), inner),
    );
  }

  /** A phone calls the console: every online agent is offered it; the first to accept takes it. */
  start(deviceId: string, req: DeviceRequest<'call:start'>): Promise<Call> {
    // One call per phone: its starts (and answers) run one at a time, in the order the phone sent
    // them, so a retried start finds the first one's call (same id), and a second start, or an
    // answer sent after it, finds the phone busy.
    return this.life.queue.run(deviceKey(deviceId), async (held) => {
      // As of the phone's lock: a cluster node's kept rows where nothing changed them (`held.rows`).
      const device = await (held.rows ?? this.o.storage).devices.get(deviceId);
      if (!device) throw notFound('device');
      return this.startNow(device, req, held);
    });
  }

  /** Reports count only from a phone whose part of the call goes on; an answer, from one not `busy`. */
  private authorizeReport(call: Call, deviceId: string, busy: boolean): AppError | undefined {
    const leg = call.devices.find((l) => l.deviceId === deviceId);
    if (!leg) throw forbidden('this phone was not rung for this call');
    // The phone that lost a ring-all race (or declined) has no say in how the call goes on.
    if (leg.state === 'ended' && isLive(call)) return legIsOver(leg);
    if (busy) throw new AppError(ERROR_CODES.BUSY, 'this phone is already in another call');
    return undefined;
  }

  /** `held`: the phone's locks, let go with the new call's write (its last under them). */
  private async startNow(device: DeviceRow, req: DeviceRequest<'call:start'>, held: Locks): Promise<Call> {
    if (req.callId !== undefined) {
      const existing = this.o.live.get(req.callId) ?? (await this.o.storage.calls.get(req.callId));
      if (existing?.direction === 'inbound' && existing.devices[0]?.deviceId === device.id) return existing;
      if (existing) throw new AppError(ERROR_CODES.CONFLICT, 'a different call already has this id');
    }
    if (await this.o.live.deviceBusyNow(device.id)) {
      throw new AppError(ERROR_CODES.BUSY, 'this phone is already in a call');
    }
    const staff = await (held.rows ?? this.o.storage).staff.get(device.staffId);
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
    const online = this.o.presence.onlineAgentIds();
    const offeredTo = this.o.availableAgentIds ? await this.o.availableAgentIds() : online;
    call = { ...call, offeredTo };
    if (offeredTo.length === 0) {
      const detail =
        online.length === 0
          ? 'no agent is online'
          : `no agent is available (${online.length} online: in a call, in after-call work or away)`;
      const r = transition(call, { type: 'noAgentAvailable', detail }, now, 'server');
      if (r.ok) call = r.call;
    }
    await this.life.create(call, device.id, [], held);
    return call;
  }
}

function legIsOver(leg: Call['devices'][number]): AppError {
  return leg.endReason === 'answeredElsewhere'
    ? new AppError(ERROR_CODES.ANSWERED_ELSEWHERE, 'another device answered this call')
    : new AppError(
        ERROR_CODES.CALL_ENDED,
        `this phone's part of the call is over (${leg.endReason ?? 'ended'})`,
      );
}
