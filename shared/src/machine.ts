import type { Call, Direction, EndReason, EventSource, Leg, PushRecord, TimelineEvent } from './call';
import { ERROR_CODES } from './errors';
import { endLiveTransfer, type TransferAction, transferStep } from './transfer';

/**
 * The call state machine: the one place that decides whether something may happen to a call.
 * Pure: it returns a new call (or a refusal) and never touches the clock, storage or the network,
 * so the server, the virtual companion and the tests all share exactly the same rules.
 *
 * Rules from DESIGN.md: the same event twice is a no-op (`changed: false`), an event that is not
 * a valid next step is refused with INVALID_TRANSITION and changes nothing, and `ended` is final.
 */
export type CallEvent =
  /** A phone reported the push to CallKit: the only proof that it rang. */
  | { type: 'reported'; deviceId: string }
  /** A phone answered an outbound call. */
  | { type: 'answered'; deviceId: string }
  /** An agent accepted an inbound call. */
  | { type: 'accepted'; agentId: string }
  /** Media is flowing. */
  | { type: 'connected' }
  | { type: 'hold'; on: boolean }
  | { type: 'mute'; on: boolean }
  /**
   * One phone declined (outbound), or an agent declined an inbound call: that agent stops ringing,
   * and the call ends declined once every signed-in agent has (`everyoneDeclined`).
   */
  | { type: 'declined'; deviceId?: string; agentId?: string; everyoneDeclined?: boolean }
  /** A phone cannot be rung (its token is invalid and it is not connected). */
  | { type: 'legUnreachable'; deviceId: string; detail: string }
  /** Either side hung up; the source tells which side. */
  | { type: 'hangup'; deviceId?: string }
  | { type: 'timeout' }
  | { type: 'busy'; detail?: string }
  | { type: 'unreachable'; detail: string }
  /** A phone called in and no agent was Available to ring. */
  | { type: 'noAgentAvailable'; detail: string }
  | { type: 'fail'; detail: string }
  /** A step of a hand-over to another agent (transfer.ts). */
  | { type: 'transfer'; action: TransferAction }
  /**
   * The ring check (issue 25 item 7): phones still silent a while after their push are noted, and
   * the fallback's phones (`fallback`) join the ring-all, those in `push` about to be pushed.
   */
  | { type: 'ringCheck'; silent: { deviceId: string; detail: string }[]; fallback: RingFallback | null };

export interface RingFallback {
  staffId: string;
  deviceIds: string[];
  push: string[];
  detail: string;
}

export type TransitionRefusal =
  | typeof ERROR_CODES.INVALID_TRANSITION
  | typeof ERROR_CODES.CALL_ENDED
  | typeof ERROR_CODES.ANSWERED_ELSEWHERE
  | typeof ERROR_CODES.NOT_FOUND;

export type TransitionResult =
  | { ok: true; call: Call; changed: boolean }
  | { ok: false; code: TransitionRefusal; message: string };

export interface NewCall {
  id: string;
  direction: Direction;
  agentId: string | null;
  staffId: string;
  deviceIds: string[];
  handle: string;
  callerName: string;
  video: boolean;
  createdAt: number;
  ringUntil: number;
  source: EventSource;
}

export function createCall(input: NewCall): Call {
  const actorId = input.direction === 'outbound' ? input.agentId : (input.deviceIds[0] ?? null);
  return {
    id: input.id,
    direction: input.direction,
    agentId: input.agentId,
    staffId: input.staffId,
    // An inbound call's only leg is the phone that placed it, already "answered" on its side.
    devices: input.deviceIds.map((deviceId) => ({
      deviceId,
      state: input.direction === 'outbound' ? 'pending' : 'answered',
      endReason: null,
    })),
    handle: input.handle,
    callerName: input.callerName,
    video: input.video,
    // An outbound call dials until a phone proves it rang; an inbound one rings on the consoles
    // the moment it exists, since the server itself tells them.
    state: input.direction === 'outbound' ? 'dialing' : 'ringing',
    endReason: null,
    createdAt: input.createdAt,
    ringUntil: input.ringUntil,
    answeredAt: null,
    endedAt: null,
    answeredByDeviceId: null,
    held: false,
    muted: false,
    timeline: [{ at: input.createdAt, event: 'placed', source: input.source, actorId, detail: null }],
    pushes: [],
  };
}

const refuse = (code: TransitionRefusal, message: string): TransitionResult => ({
  ok: false,
  code,
  message,
});
const same = (call: Call): TransitionResult => ({ ok: true, call, changed: false });
const invalid = (call: Call, event: CallEvent) =>
  refuse(ERROR_CODES.INVALID_TRANSITION, `cannot apply ${event.type} to a call that is ${call.state}`);

const isRinging = (call: Call) => call.state === 'dialing' || call.state === 'ringing';
const isAnswered = (call: Call) => call.state === 'connecting' || call.state === 'active';

/** Which side started the call: hanging up from this side while it rings is a cancel. */
const callerSource = (direction: Direction): EventSource => (direction === 'outbound' ? 'agent' : 'device');

export function transition(call: Call, event: CallEvent, at: number, source: EventSource): TransitionResult {
  if (call.state === 'ended') {
    // A second hang-up or decline of a finished call is a harmless repeat, not an error.
    const isEnding = event.type === 'hangup' || event.type === 'declined';
    return isEnding
      ? same(call)
      : refuse(ERROR_CODES.CALL_ENDED, `call ended (${call.endReason ?? 'unknown'})`);
  }
  const apply = STEPS[event.type] as (
    c: Call,
    e: CallEvent,
    s: Step,
    at: number,
    src: EventSource,
  ) => TransitionResult;
  return apply(call, event, new Step(call, at, source), at, source);
}

type Handler<T extends CallEvent['type']> = (
  call: Call,
  event: Extract<CallEvent, { type: T }>,
  step: Step,
  at: number,
  source: EventSource,
) => TransitionResult;

/** One rule per event: what it does to a live call, or why it may not. */
const STEPS: { [T in CallEvent['type']]: Handler<T> } = {
  reported(call, event, step) {
    const leg = call.devices.find((l) => l.deviceId === event.deviceId);
    if (!leg) return refuse(ERROR_CODES.NOT_FOUND, 'device is not part of this call');
    if (leg.state === 'ended') return legOver(leg);
    if (leg.state !== 'pending') return same(call);
    step.leg(event.deviceId, { state: 'ringing' });
    if (call.state === 'dialing') step.set({ state: 'ringing' });
    return step.done('reported', event.deviceId);
  },
  answered(call, event, step, at) {
    if (call.direction !== 'outbound') return invalid(call, event);
    const leg = call.devices.find((l) => l.deviceId === event.deviceId);
    if (!leg) return refuse(ERROR_CODES.NOT_FOUND, 'device is not part of this call');
    if (call.answeredByDeviceId === event.deviceId) return same(call);
    if (call.answeredByDeviceId !== null || leg.state === 'ended') return legOver(leg);
    step.leg(event.deviceId, { state: 'answered' });
    for (const other of call.devices) {
      if (other.deviceId !== event.deviceId && other.state !== 'ended') {
        step.leg(other.deviceId, { state: 'ended', endReason: 'answeredElsewhere' });
      }
    }
    step.set({ state: 'connecting', answeredAt: at, answeredByDeviceId: event.deviceId });
    return step.done('answered', event.deviceId);
  },
  accepted(call, event, step, at) {
    if (call.direction !== 'inbound') return invalid(call, event);
    if (call.agentId === event.agentId && isAnswered(call)) return same(call);
    if (call.agentId !== null) return refuse(ERROR_CODES.ANSWERED_ELSEWHERE, 'another agent took this call');
    step.set({ state: 'connecting', agentId: event.agentId, answeredAt: at });
    return step.done('accepted', event.agentId);
  },
  connected(call, event, step) {
    if (call.state === 'active') return same(call);
    if (call.state !== 'connecting') return invalid(call, event);
    step.set({ state: 'active' });
    return step.done('connected', null);
  },
  hold: (call, event, step) => toggle(call, event, step, 'held', event.on ? 'held' : 'resumed'),
  mute: (call, event, step) => toggle(call, event, step, 'muted', event.on ? 'muted' : 'unmuted'),
  declined(call, event, step) {
    if (!isRinging(call)) return invalid(call, event);
    if (call.direction === 'inbound') {
      const agentId = event.agentId ?? null;
      if (agentId === null || event.everyoneDeclined !== false)
        return step.end('declined', 'declined', agentId);
      if (declinedBy(call).has(agentId)) return same(call);
      return step.done('declined', agentId);
    }
    // An outbound call is declined phone by phone; the agent who placed it hangs up instead.
    if (event.deviceId === undefined) return invalid(call, event);
    const leg = call.devices.find((l) => l.deviceId === event.deviceId);
    if (!leg) return refuse(ERROR_CODES.NOT_FOUND, 'device is not part of this call');
    if (leg.state === 'ended') return leg.endReason === 'declined' ? same(call) : legOver(leg);
    step.leg(event.deviceId, { state: 'ended', endReason: 'declined' });
    return step.settleLegs('declined', event.deviceId);
  },
  legUnreachable(call, event, step) {
    const leg = call.devices.find((l) => l.deviceId === event.deviceId);
    if (!leg) return refuse(ERROR_CODES.NOT_FOUND, 'device is not part of this call');
    // A phone that already proved it rang (over its socket) is reachable whatever APNs says.
    if (leg.state !== 'pending' || !isRinging(call)) return same(call);
    step.leg(event.deviceId, { state: 'ended', endReason: 'unreachable' });
    return step.settleLegs('unreachable', event.deviceId, event.detail);
  },
  hangup(call, event, step, at, source) {
    if (isAnswered(call)) return step.end('completed', 'hangup', event.deviceId ?? null);
    if (source === callerSource(call.direction))
      return step.end('cancelled', 'hangup', event.deviceId ?? null);
    // The called side hanging up before answering is a decline.
    return transition(call, { type: 'declined', deviceId: event.deviceId }, at, source);
  },
  timeout: (call, event, step) =>
    isRinging(call) ? step.end('missed', 'timeout', null) : invalid(call, event),
  busy: (call, event, step) =>
    isRinging(call) ? step.end('busy', 'busy', null, event.detail) : invalid(call, event),
  unreachable: (call, event, step) =>
    isRinging(call) ? step.end('unreachable', 'unreachable', null, event.detail) : invalid(call, event),
  noAgentAvailable: (call, event, step) =>
    isRinging(call) && call.direction === 'inbound'
      ? step.end('noAgentAvailable', 'noAgentAvailable', null, event.detail)
      : invalid(call, event),
  fail: (_call, event, step) => step.end('failed', 'failed', null, event.detail),
  transfer: (call, event, _step, at, source) => transferStep(call, event.action, at, source),
  ringCheck(call, event, step, at) {
    if (!isRingingOut(call)) return same(call);
    const pending = new Set(call.devices.filter((l) => l.state === 'pending').map((l) => l.deviceId));
    const entries: Note[] = event.silent
      .filter((s) => pending.has(s.deviceId))
      .map((s) => ({ at, event: 'notRungYet', actorId: s.deviceId, detail: s.detail }));
    const fallback = event.fallback;
    if (fallback) {
      const known = new Set(call.devices.map((l) => l.deviceId));
      const added = fallback.deviceIds.filter((id) => !known.has(id));
      for (const deviceId of added) step.addLeg(deviceId);
      entries.push({ at, event: 'fallback', actorId: fallback.staffId, detail: fallback.detail });
      // As a new call notes them: after a crash, which of these phones may be ringing.
      for (const deviceId of fallback.push.filter((id) => added.includes(id))) {
        entries.push({ at, event: 'push:sending', actorId: deviceId, detail: null });
      }
    }
    return entries.length === 0 ? same(call) : step.note(entries);
  },
};

/** An outbound call that no phone has answered yet. */
const isRingingOut = (call: Call) => call.direction === 'outbound' && isRinging(call);

/** Hold and mute: a flag on an answered call, named in the timeline by its new value. */
function toggle(
  call: Call,
  event: Extract<CallEvent, { type: 'hold' | 'mute' }>,
  step: Step,
  key: 'held' | 'muted',
  name: TimelineEvent,
): TransitionResult {
  if (!isAnswered(call)) return invalid(call, event);
  if (call[key] === event.on) return same(call);
  step.set({ [key]: event.on });
  return step.done(name, null);
}

function legOver(leg: Leg): TransitionResult {
  return leg.endReason === 'answeredElsewhere'
    ? refuse(ERROR_CODES.ANSWERED_ELSEWHERE, 'another device answered this call')
    : refuse(ERROR_CODES.CALL_ENDED, `this device's part of the call ended (${leg.endReason})`);
}

type Note = { at: number; event: TimelineEvent; actorId: string | null; detail: string | null };

/** Builds the next call value immutably, one transition at a time. */
class Step {
  private next: Call;

  constructor(
    private readonly call: Call,
    private readonly at: number,
    private readonly source: EventSource,
  ) {
    this.next = { ...call, devices: call.devices.map((l) => ({ ...l })) };
  }

  set(patch: Partial<Call>): void {
    this.next = { ...this.next, ...patch };
  }

  leg(deviceId: string, patch: Partial<Leg>): void {
    this.next.devices = this.next.devices.map((l) => (l.deviceId === deviceId ? { ...l, ...patch } : l));
  }

  /** A new leg of a ring-all call (a fallback's phone), pending until it rings. */
  addLeg(deviceId: string): void {
    this.next.devices = [...this.next.devices, { deviceId, state: 'pending', endReason: null }];
  }

  /** Entries that change no state but say what happened (the ring check's). */
  note(entries: Note[]): TransitionResult {
    const added = entries.map((e) => ({ ...e, source: this.source }));
    this.next.timeline = [...this.call.timeline, ...added];
    return { ok: true, call: this.next, changed: true };
  }

  done(event: TimelineEvent, actorId: string | null, detail: string | null = null): TransitionResult {
    this.next.timeline = [
      ...this.call.timeline,
      { at: this.at, event, source: this.source, actorId, detail },
    ];
    return { ok: true, call: this.next, changed: true };
  }

  end(reason: EndReason, event: TimelineEvent, actorId: string | null, detail?: string): TransitionResult {
    for (const leg of this.next.devices) {
      if (leg.state !== 'ended') this.leg(leg.deviceId, { state: 'ended', endReason: reason });
    }
    this.set({ state: 'ended', endReason: reason, endedAt: this.at });
    this.next = endLiveTransfer(this.next, this.at);
    const result = this.done(event, actorId, detail ?? null);
    if (result.ok && event !== 'ended') {
      result.call.timeline.push({
        at: this.at,
        event: 'ended',
        source: this.source,
        actorId,
        detail: reason,
      });
    }
    return result;
  }

  /**
   * After one leg drops out of a ring-all call: the call goes on while any leg can still answer;
   * when none can, it ends declined if anyone declined, otherwise unreachable.
   */
  settleLegs(event: TimelineEvent, actorId: string, detail?: string): TransitionResult {
    const open = this.next.devices.some((l) => l.state !== 'ended');
    if (open) return this.done(event, actorId, detail ?? null);
    const anyDeclined = this.next.devices.some((l) => l.endReason === 'declined');
    return this.end(anyDeclined ? 'declined' : 'unreachable', event, actorId, detail);
  }
}

/**
 * Notes on a new call, in the same write that stores it, which phones are about to be sent its VoIP
 * push. A server that dies after APNs took a push but before it recorded APNs' answer still knows,
 * once restarted, which phones may be ringing and must be sent a cancel.
 */
export function markPushesSending(call: Call, deviceIds: string[], at: number): Call {
  if (deviceIds.length === 0) return call;
  const entries = deviceIds.map((deviceId) => ({
    at,
    event: 'push:sending' as const,
    source: 'server' as const,
    actorId: deviceId,
    detail: null,
  }));
  return { ...call, timeline: [...call.timeline, ...entries] };
}

/** Whether a call push may have reached this phone: one was about to go out, or APNs answered one. */
export function wasPushed(call: Call, deviceId: string): boolean {
  return (
    call.pushes.some((p) => p.deviceId === deviceId && p.kind === 'call') ||
    call.timeline.some((e) => e.event === 'push:sending' && e.actorId === deviceId)
  );
}

/**
 * Whether the last word APNs holds for this phone about this call is a cancel it accepted: one
 * answered after every call push that may have landed (accepted, or sent with no answer). A call
 * push still in flight when the cancel went out can land after it and, for an offline phone,
 * replace it under the same collapse id; an earlier cancel then does not count.
 */
export function cancelAccepted(call: Call, deviceId: string): boolean {
  const answeredAt = (p: PushRecord) => p.at + p.latencyMs;
  let lastCall = Number.NEGATIVE_INFINITY;
  let lastCancel: number | null = null;
  for (const p of call.pushes) {
    if (p.deviceId !== deviceId) continue;
    if (p.kind === 'call' && (p.outcome === 'accepted' || p.status === null)) {
      lastCall = Math.max(lastCall, answeredAt(p));
    } else if (p.kind === 'cancel' && p.outcome === 'accepted') {
      lastCancel = Math.max(lastCancel ?? answeredAt(p), answeredAt(p));
    }
  }
  return lastCancel !== null && lastCancel >= lastCall;
}

/**
 * The phone that is the agent's other party: the one that answered an outbound call (null until
 * one did), or the one that placed an inbound call.
 */
export function partyPhone(call: Pick<Call, 'direction' | 'answeredByDeviceId' | 'devices'>): string | null {
  return call.direction === 'outbound' ? call.answeredByDeviceId : (call.devices[0]?.deviceId ?? null);
}

/** The agents who declined an inbound call that still rings for the others. */
export function declinedBy(call: Call): Set<string> {
  const agents = new Set<string>();
  for (const e of call.timeline) {
    if (e.event === 'declined' && e.source === 'agent' && e.actorId !== null) agents.add(e.actorId);
  }
  return agents;
}

/** Appends an APNs result to the call's record and timeline; allowed after the end (cancel pushes). */
export function recordPush(call: Call, record: PushRecord): Call {
  const detail = [
    record.kind === 'cancel' ? 'cancel' : null,
    record.status !== null ? String(record.status) : 'no response',
    record.reason,
    `${Math.round(record.latencyMs)} ms`,
    record.attempt > 1 ? `attempt ${record.attempt}` : null,
  ]
    .filter(Boolean)
    .join(' · ');
  const entry = {
    at: record.at,
    event: `push:${record.outcome}` as const,
    source: 'apns' as const,
    actorId: record.deviceId,
    detail,
  };
  // An attempt is stamped when it started but recorded when APNs answered: keep the timeline in order.
  const index = call.timeline.findIndex((e) => e.at > record.at);
  const timeline = [...call.timeline];
  timeline.splice(index === -1 ? timeline.length : index, 0, entry);
  return { ...call, pushes: [...call.pushes, record], timeline };
}
