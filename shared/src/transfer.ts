import type { Call, EventSource, TimelineEntry, TimelineEvent } from './call';
import { ERROR_CODES } from './errors';
import { MAX_TRANSFERS, type Transfer, type TransferKind, type TransferState } from './transfer-schema';

/**
 * Handing a live call from one agent to another (issue 24 item 2), as pure rules beside the call's
 * state machine (machine.ts hands its `transfer` events here).
 *
 * - blind: the call rings the chosen agent's console; when they accept, the call is theirs (the
 *   phone's media moves to their console) and the first agent drops; a decline, or no answer within
 *   the ring time, leaves the call with the first agent, still connected;
 * - warm: the phone is put on hold while the chosen agent's console rings; once they accept, the
 *   two consoles talk (a consultation); the first agent then completes (the call is the second
 *   agent's, off hold) or cancels (back to the phone, off hold).
 *
 * The phone keeps its one call throughout: only `agentId` changes, so the server relays its media
 * to the new console from that moment, and that console's first offer (a new SDP session) makes the
 * phone replace its peer (rtc-answerer.ts). Every transfer stays on the call, so history names
 * every agent who had it.
 */

export {
  MAX_TRANSFERS,
  TRANSFER_KINDS,
  TRANSFER_STATES,
  type Transfer,
  type TransferKind,
  type TransferState,
  transferSchema,
} from './transfer-schema';

export type TransferAction =
  | {
      type: 'start';
      kind: TransferKind;
      toAgentId: string;
      fromName: string;
      toName: string;
      ringUntil: number;
    }
  /** The chosen agent accepted: a blind transfer completes, a warm one starts consulting. */
  | { type: 'accept' }
  /** The chosen agent declined the ring, or left the consultation. */
  | { type: 'decline' }
  /** Nobody accepted within the ring time. */
  | { type: 'timeout' }
  /** The first agent hands the call over after consulting (or the server does, when they left). */
  | { type: 'complete'; detail?: string }
  /** The first agent changed their mind, or the chosen agent can no longer take it. */
  | { type: 'cancel'; detail?: string };

export type TransferResult =
  | { ok: true; call: Call; changed: boolean }
  | { ok: false; code: typeof ERROR_CODES.INVALID_TRANSITION; message: string };

/** Transfers of a call stored before transfers existed: none. */
export const transfersOf = (call: Pick<Call, 'transfers'>): Transfer[] => call.transfers ?? [];

/** The transfer under way (ringing or consulting), if any: at most one at a time. */
export function liveTransfer(call: Pick<Call, 'transfers'>): Transfer | null {
  const last = transfersOf(call).at(-1);
  return last && (last.state === 'ringing' || last.state === 'consulting') ? last : null;
}

/** The agents who had the call, in order: the first, then each one a transfer handed it to. */
export function handledBy(call: Pick<Call, 'agentId' | 'transfers'>): string[] {
  const transfers = transfersOf(call);
  const first = transfers[0]?.fromAgentId ?? call.agentId;
  const ids = first === null ? [] : [first];
  for (const t of transfers) if (t.state === 'completed') ids.push(t.toAgentId);
  return ids;
}

/** `handledBy` by name, as the agents were called when it happened. */
export function handledByNames(call: Pick<Call, 'transfers'>): string[] {
  const transfers = transfersOf(call);
  const names = transfers.length > 0 ? [transfers[0]!.fromName] : [];
  for (const t of transfers) if (t.state === 'completed') names.push(t.toName);
  return names;
}

/** One transfer in a line of history: "blind Alice → Bob: completed". */
export const transferLine = (t: Transfer): string =>
  `${t.kind} ${t.fromName} → ${t.toName}: ${t.state}${t.detail ? ` (${t.detail})` : ''}`;

const refuse = (message: string): TransferResult => ({
  ok: false,
  code: ERROR_CODES.INVALID_TRANSITION,
  message,
});

/**
 * One transfer step on a live call. Who may ask for it (the call's agent, the chosen agent) is the
 * server's check; this says whether it is a valid next step and what it does.
 */
export function transferStep(
  call: Call,
  action: TransferAction,
  at: number,
  source: EventSource,
): TransferResult {
  const live = liveTransfer(call);
  const step = new TransferEdit(call, at, source);
  switch (action.type) {
    case 'start': {
      if (call.state !== 'connecting' && call.state !== 'active') {
        return refuse('only an answered call can be transferred');
      }
      if (call.agentId === null) return refuse('nobody has this call to transfer it');
      if (live) return refuse(`this call is already being transferred to ${live.toName}`);
      if (transfersOf(call).length >= MAX_TRANSFERS)
        return refuse('this call has been transferred too often');
      if (action.toAgentId === call.agentId) return refuse('you cannot transfer a call to yourself');
      const transfer: Transfer = {
        kind: action.kind,
        fromAgentId: call.agentId,
        toAgentId: action.toAgentId,
        fromName: action.fromName,
        toName: action.toName,
        state: 'ringing',
        startedAt: at,
        ringUntil: action.ringUntil,
        acceptedAt: null,
        endedAt: null,
        detail: null,
      };
      step.push(transfer);
      step.entry('transfer:requested', action.toAgentId, transfer);
      // While the chosen agent rings and then talks with the first, the person waits on hold.
      if (action.kind === 'warm') step.hold(true, action.toAgentId);
      return step.done();
    }
    case 'accept': {
      if (!live) return refuse('no transfer of this call is waiting');
      if (live.state !== 'ringing') return { ok: true, call, changed: false };
      if (live.kind === 'blind') return step.complete(live, { acceptedAt: at });
      step.patch({ state: 'consulting', acceptedAt: at });
      step.entry('transfer:accepted', live.toAgentId, live);
      return step.done();
    }
    case 'decline':
      if (!live) return refuse('no transfer of this call is waiting');
      if (live.state === 'ringing') return step.close(live, 'declined', 'transfer:declined', null);
      return step.close(live, 'cancelled', 'transfer:declined', `${live.toName} left the consultation`);
    case 'timeout':
      if (live?.state !== 'ringing' || at < live.ringUntil) return { ok: true, call, changed: false };
      return step.close(live, 'missed', 'transfer:missed', null);
    case 'complete':
      if (live?.state !== 'consulting') return refuse('only a transfer in consultation can be completed');
      return step.complete(live, { detail: action.detail ?? null });
    case 'cancel':
      if (!live) return refuse('no transfer of this call is under way');
      return step.close(live, 'cancelled', 'transfer:cancelled', action.detail ?? null);
  }
}

/**
 * What the end of the call does to a transfer under way: it ends with it (the chosen agent's
 * console stops ringing, the consultation is over). No timeline entry: the call's own end says it.
 */
export function endLiveTransfer(call: Call, at: number): Call {
  const live = liveTransfer(call);
  if (!live) return call;
  const transfers = [...transfersOf(call)];
  transfers[transfers.length - 1] = { ...live, state: 'cancelled', endedAt: at, detail: 'the call ended' };
  return { ...call, transfers };
}

/** Builds the next call value of one transfer step, immutably. */
class TransferEdit {
  private next: Call;

  constructor(
    call: Call,
    private readonly at: number,
    private readonly source: EventSource,
  ) {
    this.next = { ...call, transfers: [...transfersOf(call)], timeline: [...call.timeline] };
  }

  push(transfer: Transfer): void {
    this.next.transfers = [...(this.next.transfers ?? []), transfer];
  }

  /** Changes the live (last) transfer. */
  patch(change: Partial<Transfer>): Transfer {
    const transfers = this.next.transfers ?? [];
    const updated = { ...transfers[transfers.length - 1]!, ...change };
    this.next.transfers = [...transfers.slice(0, -1), updated];
    return updated;
  }

  /** Timeline detail: the kind and the chosen agent's name, then why, for the console's words. */
  entry(event: TimelineEvent, actorId: string, transfer: Transfer, why: string | null = null): void {
    const detail = [transfer.kind, transfer.toName, why].filter(Boolean).join(' · ');
    this.next.timeline.push(timelineEntry(this.at, event, this.source, actorId, detail));
  }

  hold(on: boolean, actorId: string): void {
    if (this.next.held === on) return;
    this.next.held = on;
    const detail = on ? 'for a transfer' : 'after a transfer';
    this.next.timeline.push(timelineEntry(this.at, on ? 'held' : 'resumed', this.source, actorId, detail));
  }

  /** The call is the chosen agent's now: the phone talks to them, off hold, their microphone open. */
  complete(live: Transfer, change: Partial<Transfer>): TransferResult {
    const done = this.patch({ ...change, state: 'completed', endedAt: this.at });
    this.next.agentId = live.toAgentId;
    this.hold(false, live.toAgentId);
    // A mute is the first agent's own microphone; a phone's own mute is the phone's to lift.
    const lastMute = this.next.timeline.findLast((e) => e.event === 'muted' || e.event === 'unmuted');
    if (this.next.muted && lastMute?.source !== 'device') this.next.muted = false;
    this.entry('transfer:completed', live.toAgentId, done, change.detail ?? null);
    return this.done();
  }

  /** The transfer ends without moving the call: back to the first agent, off hold after a warm one. */
  close(live: Transfer, state: TransferState, event: TimelineEvent, why: string | null): TransferResult {
    const done = this.patch({ state, endedAt: this.at, detail: why });
    this.entry(event, live.toAgentId, done, why);
    if (live.kind === 'warm') this.hold(false, live.fromAgentId);
    return this.done();
  }

  done(): TransferResult {
    return { ok: true, call: this.next, changed: true };
  }
}

function timelineEntry(
  at: number,
  event: TimelineEvent,
  source: EventSource,
  actorId: string,
  detail: string,
): TimelineEntry {
  return { at, event, source, actorId, detail };
}
