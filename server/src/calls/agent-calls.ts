import { randomUUID } from 'node:crypto';
import {
  type AgentRequest,
  type Call,
  type CallEvent,
  type Clock,
  createCall,
  declinedBy,
  ERROR_CODES,
  type EventSource,
  isLive,
  markPushesSending,
  RING_TEST_MS,
  RING_TEST_NOTE,
  transition,
} from '#shared';
import { AppError, forbidden, notFound } from '../errors';
import type { DeviceRow, Storage } from '../storage/types';
import { wasOfferedTo } from './audience';
import type { CallLifecycle, Quiet } from './lifecycle';
import type { LiveCalls } from './live';
import type { Locks, Presence } from './ports';

export interface AgentCallsOptions {
  storage: Storage;
  clock: Clock;
  presence: Presence;
  live: LiveCalls;
  ringTimeoutMs: number;
  /** What the phone's call screen shows for calls from the console. */
  caller: { handle: string; organisation: string };
  /** Whether this phone can be rung by VoIP push now. */
  pushable: (device: DeviceRow) => boolean;
}

export const agentKey = (agentId: string) => `agent:${agentId}`;

/** Names kept, at most (a bound for odd growth: a team has far fewer agents). */
const NAMES_KEPT = 10_000;

/** What a console asks of calls: place one, and accept, decline, hang up, hold or mute one. */
export class AgentCalls {
  /**
   * Agents' names, for what a call's push shows: an agent's name never changes (AgentStore has no
   * rename), so it is read once per agent, not once per call, on a cluster node too.
   */
  private readonly names = new Map<string, string>();

  constructor(
    private readonly life: CallLifecycle,
    private readonly o: AgentCallsOptions,
  ) {}

  /**
   * One live call per agent: placements and accepts of one agent run one at a time. A ring test
   * (issue 25 item 3) is a call like any other but for its name, its short ring and its note.
   */
  /**
   * `o.quiet`: the console's socket that takes the request's ack as the change (`callAcks`), sent
   * no `call:changed` for it; as `act`'s `quiet`.
   */
  place(
    agentId: string,
    req: AgentRequest<'call:place'>,
    o: { ringTest?: boolean; quiet?: string } = {},
  ): Promise<Call> {
    const quiet = quietFor(agentId, o.quiet);
    return this.life.queue.run(agentKey(agentId), (held) =>
      this.placeNow(agentId, req, o.ringTest === true, held, quiet),
    );
  }

  act(agentId: string, callId: string, event: CallEvent, quietSocket?: string): Promise<Call> {
    const quiet = quietFor(agentId, quietSocket);
    if (event.type === 'accepted') {
      // Any agent may try; the state machine tells the late ones it was answered elsewhere.
      return this.life.queue.run(agentKey(agentId), async (inner) => {
        const busy = await this.o.live.agentBusyNow(agentId);
        const authorize = (call: Call) => {
          if (call.direction !== 'inbound' || call.agentId !== null) return undefined;
          if (!wasOfferedTo(call, agentId)) {
            throw forbidden('this call was not offered to you: it rings the agents who were Available');
          }
          if (busy) throw agentBusy();
          return undefined;
        };
        return this.life.apply(callId, event, 'agent', { authorize, quiet }, inner);
      });
    }
    let step = event;
    return this.life.apply(callId, event, 'agent', {
      authorize: (call) => {
        if (call.direction !== 'inbound' || call.agentId !== null) {
          if (call.agentId !== agentId) throw forbidden('this call belongs to another agent');
          return undefined;
        }
        // An unclaimed inbound call rings the agents it was offered to: one agent's decline takes
        // only that agent off it; it ends declined once every one of them still signed in has.
        if (event.type === 'declined' || event.type === 'hangup') {
          if (!wasOfferedTo(call, agentId)) throw forbidden('this call was not offered to you');
          const declined = declinedBy(call);
          const everyoneDeclined = this.o.presence
            .onlineAgentIds()
            .filter((id) => wasOfferedTo(call, id))
            .every((id) => id === agentId || declined.has(id));
          step = { type: 'declined', agentId, everyoneDeclined };
        }
        return undefined;
      },
      event: () => step,
      quiet,
    });
  }

  /** `held`: the agent's locks, let go with the new call's write (its last under them). */
  private async placeNow(
    agentId: string,
    req: AgentRequest<'call:place'>,
    ringTest: boolean,
    held: Locks,
    quiet: Quiet | undefined,
  ): Promise<Call> {
    if (await this.o.live.agentBusyNow(agentId)) throw agentBusy();
    const target = await this.resolveTarget(req, held);
    const name = await this.nameOf(agentId);
    const now = this.o.clock.now();
    let call = createCall({
      id: randomUUID(),
      direction: 'outbound',
      agentId,
      staffId: target.staffId,
      deviceIds: target.devices.map((d) => d.id),
      handle: this.o.caller.handle,
      callerName: ringTest
        ? `Ring test from ${name ?? 'an agent'}`
        : `${this.o.caller.organisation} · ${name ?? 'Agent'}`,
      video: req.video,
      createdAt: now,
      ringUntil: now + (ringTest ? RING_TEST_MS : this.o.ringTimeoutMs),
      source: 'agent',
    });
    if (ringTest) call = { ...call, timeline: [{ ...call.timeline[0]!, detail: RING_TEST_NOTE }] };
    const step = (event: CallEvent, source: EventSource) => {
      const r = transition(call, event, now, source);
      if (r.ok) call = r.call;
    };
    if (target.devices.length === 0) {
      step({ type: 'unreachable', detail: 'this staff member has no paired phone' }, 'server');
    } else if (target.devices.some((d) => this.o.live.isDeviceBusy(d.id))) {
      step({ type: 'busy', detail: 'already in a call' }, 'server');
    } else {
      for (const device of target.devices) {
        const why = this.unreachableReason(device);
        if (why) step({ type: 'legUnreachable', deviceId: device.id, detail: why }, 'server');
      }
    }
    const toPush = isLive(call)
      ? target.devices.filter((d) => !this.unreachableReason(d) && this.o.pushable(d))
      : [];
    call = markPushesSending(
      call,
      toPush.map((d) => d.id),
      now,
    );
    await this.life.create(call, null, toPush, held, quiet);
    return call;
  }

  private async nameOf(agentId: string): Promise<string | null> {
    const known = this.names.get(agentId);
    if (known !== undefined) return known;
    const agent = await this.o.storage.agents.findById(agentId);
    if (!agent) return null;
    if (this.names.size >= NAMES_KEPT) this.names.clear();
    this.names.set(agentId, agent.name);
    return agent.name;
  }

  /** Read as of the agent's lock: a cluster node's kept rows where nothing changed them (`held.rows`). */
  private async resolveTarget(req: AgentRequest<'call:place'>, held: Locks) {
    const rows = held.rows ?? this.o.storage;
    if ('deviceId' in req) {
      const device = await rows.devices.get(req.deviceId);
      if (!device) throw notFound('device');
      return { staffId: device.staffId, devices: [device] };
    }
    const staff = await rows.staff.get(req.staffId);
    if (!staff) throw notFound('staff member');
    return { staffId: staff.id, devices: await rows.devices.listByStaff(staff.id) };
  }

  /** Why a phone cannot be rung at all, or null when a socket or a push can reach it. */
  private unreachableReason(device: DeviceRow): string | null {
    if (this.o.presence.isDeviceOnline(device.id) || this.o.pushable(device)) return null;
    if (device.voipToken === null) return 'no VoIP push token yet and not connected';
    if (device.tokenInvalidAt !== null) {
      return `push token invalid (${device.tokenInvalidReason ?? 'rejected by APNs'}) and not connected`;
    }
    return 'APNs is not configured on this server and the phone is not connected';
  }
}

const quietFor = (agentId: string, socketId: string | undefined): Quiet | undefined =>
  socketId === undefined ? undefined : { agentId, socketId };

const agentBusy = () => new AppError(ERROR_CODES.BUSY, 'you are already in a call; hang it up first');
