import {
  type Call,
  ERROR_CODES,
  isLive,
  isRingTest,
  type LiveBoard,
  partyPhone,
  type RtcIce,
  type RtcSignal,
  type SuperviseMode,
  type Supervision,
  type SupervisionChanged,
  type SupervisionEndReason,
} from '#shared';
import { type IceConfig, iceServersFor } from '../calls/ice';
import type { CallObserver } from '../calls/lifecycle';
import type { LiveCalls } from '../calls/live';
import type { Notifier } from '../calls/ports';
import { AppError, badRequest, forbidden } from '../errors';
import { LiveHint } from './live-hint';

/** Who sends a supervision's media request, as the session says now. */
export interface Sender {
  id: string;
  admin: boolean;
}

export interface SupervisionsOptions {
  live: LiveCalls;
  notifier: Notifier;
  now: () => number;
  ice: IceConfig;
}

/** A call an admin may supervise: live, answered (its media runs), and not a ring test. */
export const supervisable = (call: Call): boolean =>
  isLive(call) && call.agentId !== null && partyPhone(call) !== null && !isRingTest(call);

/**
 * Who supervises which call (issue 26 item 5), and the relay between the two consoles of each
 * supervision. Kept in this process's memory, like a call's signaling: a supervision is as long
 * as a call's media and, like it, starts again from the consoles, never from storage.
 *
 * It follows the calls (a CallObserver): a supervision ends when its call ends or goes to another
 * agent, who never agreed to it. The agent's page reloading does not end it: the reloaded page
 * is told on connect (`resyncFor`) and offers the supervisor again.
 */
export class Supervisions implements CallObserver {
  private readonly byCall = new Map<string, Supervision>();
  /** The Live board's hint to the admins' consoles, at most once per window (live-hint.ts). */
  private readonly hint: LiveHint;

  constructor(private readonly o: SupervisionsOptions) {
    this.hint = new LiveHint(() => o.notifier.toAdmins('live:changed', {}));
  }

  /** The server stops: a hint still waiting for its window is not sent. */
  close(): void {
    this.hint.close();
  }

  board(): LiveBoard {
    return { calls: this.o.live.list().filter(supervisable), supervisions: [...this.byCall.values()] };
  }

  start(supervisor: { id: string; name: string }, callId: string, mode: SuperviseMode): Supervision {
    const call = this.supervisableCall(callId);
    if (call.agentId === supervisor.id) throw badRequest('this is your own call: you are already in it');
    const current = this.byCall.get(callId);
    if (current && current.supervisorId !== supervisor.id) {
      throw new AppError(ERROR_CODES.CONFLICT, `${current.supervisorName} is already supervising this call`);
    }
    if (current) return this.mode(supervisor.id, callId, mode);
    // One supervision per supervisor: their console carries one such peer connection.
    for (const other of this.byCall.values()) {
      if (other.supervisorId === supervisor.id) this.end(other, 'stopped');
    }
    const supervision: Supervision = {
      callId,
      agentId: call.agentId!,
      supervisorId: supervisor.id,
      supervisorName: supervisor.name,
      mode,
      since: this.o.now(),
    };
    this.byCall.set(callId, supervision);
    this.tell(supervision, { callId, supervision });
    return supervision;
  }

  mode(supervisorId: string, callId: string, mode: SuperviseMode): Supervision {
    const supervision = { ...this.own(supervisorId, callId), mode };
    this.byCall.set(callId, supervision);
    this.tell(supervision, { callId, supervision });
    return supervision;
  }

  stop(supervisorId: string, callId: string): void {
    this.end(this.own(supervisorId, callId), 'stopped');
  }

  /** Signaling goes only between the call's agent's softphone and the supervisor's. */
  relay(from: Sender, callId: string, signal: RtcSignal): void {
    const peer = this.peerOf(from, callId);
    this.o.notifier.toSoftphone(peer, 'supervise:signal', { callId, from: from.id, signal });
  }

  /** ICE servers (and TURN credentials) for either console of a supervision, timed from its start. */
  ice(from: Sender, callId: string): RtcIce {
    this.peerOf(from, callId);
    return iceServersFor(this.o.ice, from.id, this.o.now(), this.byCall.get(callId)!.since);
  }

  /** The supervisor's softphone closed: nothing carries their side any more. */
  supervisorLeft(supervisorId: string): void {
    for (const s of [...this.byCall.values()])
      if (s.supervisorId === supervisorId) this.end(s, 'supervisorLeft');
  }

  /** What a (re)connecting console of this agent is told: the supervisions of their calls and their own. */
  resyncFor(agentId: string): SupervisionChanged[] {
    return [...this.byCall.values()]
      .filter((s) => s.agentId === agentId || s.supervisorId === agentId)
      .map((supervision) => ({ callId: supervision.callId, supervision }));
  }

  committed(prev: Call | null, next: Call): void {
    const supervision = this.byCall.get(next.id);
    if (supervision && !isLive(next)) this.end(supervision, 'callEnded');
    else if (supervision && next.agentId !== supervision.agentId) this.end(supervision, 'transferred');
    const was = prev !== null && supervisable(prev);
    if (was !== supervisable(next) || (was && prev.agentId !== next.agentId)) {
      this.hint.changed();
    }
  }

  // MARK: - Internals

  private supervisableCall(callId: string): Call {
    const call = this.o.live.get(callId);
    if (!call) throw new AppError(ERROR_CODES.CALL_ENDED, 'no live call with this id');
    if (!supervisable(call))
      throw new AppError(ERROR_CODES.INVALID_TRANSITION, 'the call is not answered yet');
    return call;
  }

  private own(supervisorId: string, callId: string): Supervision {
    const supervision = this.byCall.get(callId);
    if (!supervision) throw new AppError(ERROR_CODES.NOT_FOUND, 'nobody supervises this call');
    if (supervision.supervisorId !== supervisorId) throw forbidden('another admin supervises this call');
    return supervision;
  }

  private peerOf(from: Sender, callId: string): string {
    const supervision = this.byCall.get(callId);
    if (!supervision) throw new AppError(ERROR_CODES.NOT_FOUND, 'nobody supervises this call');
    if (from.id === supervision.agentId) return supervision.supervisorId;
    if (from.id !== supervision.supervisorId) throw forbidden('you are not part of this supervision');
    // Made an agent meanwhile (the role is read on every request): their supervision is over.
    if (!from.admin) {
      this.end(supervision, 'stopped');
      throw forbidden('only an admin may supervise calls; you are signed in as an agent now');
    }
    return supervision.agentId;
  }

  private end(supervision: Supervision, reason: SupervisionEndReason): void {
    if (this.byCall.get(supervision.callId) !== supervision) return;
    this.byCall.delete(supervision.callId);
    const { callId, supervisorId, supervisorName } = supervision;
    this.tell(supervision, { callId, supervision: null, ended: { supervisorId, supervisorName, reason } });
  }

  /**
   * Every console of the call's agent (each shows who listens) and of the supervisor; the other
   * admins' Live boards refetch on the hint.
   */
  private tell(supervision: Supervision, change: SupervisionChanged): void {
    this.o.notifier.toAgent(supervision.agentId, 'supervise:changed', change);
    this.o.notifier.toAgent(supervision.supervisorId, 'supervise:changed', change);
    this.hint.changed();
  }
}
