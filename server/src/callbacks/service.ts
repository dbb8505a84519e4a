import { randomUUID } from 'node:crypto';
import {
  CALLBACK_ANSWERED,
  CALLBACK_GOT_THROUGH,
  type Call,
  type Callback,
  type Clock,
  ERROR_CODES,
  isLive,
} from '#shared';
import type { CallObserver } from '../calls/lifecycle';
import type { Locks, Notifier } from '../calls/ports';
import { AppError, forbidden, notFound } from '../errors';
import type { Storage } from '../storage/types';
import type { AuditLog } from '../team/audit';

export interface CallbacksOptions {
  storage: Storage;
  clock: Clock;
  notifier: Pick<Notifier, 'toAgents'>;
  audit: Pick<AuditLog, 'record'>;
}

/** Who asks: the agent as the session knows them now. */
export interface Asker {
  id: string;
  name: string;
  admin: boolean;
}

/**
 * The callbacks queue (issue 24 item 4). Follows calls: an inbound call that ends unanswered
 * queues a callback for its caller; an answered call from an agent to someone whose callback they
 * claimed closes it, and so does that someone calling in again and getting through. Every change is in the database (restarts and other nodes see it), reaches
 * every console as `callbacks:changed`, and what agents do is on the audit trail.
 */
export class Callbacks implements CallObserver {
  constructor(private readonly o: CallbacksOptions) {}

  /**
   * Written before the call's end is stored: a crash in between queues it again, counted once. A
   * call that found no agent Available is created ended (no `prev`).
   */
  async beforeStored(prev: Call | null, next: Call, held?: Locks): Promise<void> {
    if (prev && !isLive(prev)) return;
    const { storage, clock } = this.o;
    if (next.direction === 'inbound' && !isLive(next) && next.answeredAt === null) {
      // Written now, not with the call: only from the call as stored (ports.ts `needLock`).
      await held?.needLock?.();
      const staff = await storage.staff.get(next.staffId);
      const queued = await storage.callbacks.missed({
        id: randomUUID(),
        staffId: next.staffId,
        staffName: staff?.name ?? next.callerName,
        callId: next.id,
        at: next.createdAt,
      });
      if (queued) this.changed(queued);
      return;
    }
    if (!prev || next.agentId === null || prev.answeredAt !== null || next.answeredAt === null) return;
    // A call back from its claimer was answered, or the staff member called in again and an agent
    // answered: either way nobody needs to call them back.
    const callBack = next.direction === 'outbound';
    const reason = callBack ? CALLBACK_ANSWERED : CALLBACK_GOT_THROUGH;
    // On a cluster node, known from memory as of the party's lock when nobody has one open (the
    // rows then check the call's copy before they write, lock.ts); else written now.
    if (!held?.rows) await held?.needLock?.();
    const closed = await (held?.rows?.callbacks ?? storage.callbacks).answered(
      next.staffId,
      next.agentId,
      clock.now(),
      reason,
      callBack,
    );
    if (!closed) return;
    this.changed(closed);
    const name = callBack ? closed.claimedByName : (await storage.agents.findById(next.agentId))?.name;
    const actor = { id: next.agentId, name: name ?? 'agent' };
    await this.o.audit.record(
      actor,
      'callback.closed',
      target(closed),
      callBack ? 'a call back was answered' : CALLBACK_GOT_THROUGH,
    );
  }

  list(): Promise<Callback[]> {
    return this.o.storage.callbacks.open();
  }

  async claim(id: string, by: Asker): Promise<Callback> {
    const claimed = await this.o.storage.callbacks.claim(id, by, this.o.clock.now());
    if (!claimed) throw refusal(await this.o.storage.callbacks.get(id), by, 'claim');
    await this.done(claimed, by, 'callback.claimed');
    return claimed;
  }

  /** The claimer gives it back; an admin may take it off anyone. */
  async release(id: string, by: Asker): Promise<Callback> {
    const now = await this.open(id);
    if (now.claimedBy === null) throw conflict('nobody has claimed this callback');
    if (now.claimedBy !== by.id && !by.admin) throw claimedByOther(now);
    const released = await this.o.storage.callbacks.release(id, now.claimedBy);
    if (!released) throw refusal(await this.o.storage.callbacks.get(id), by, 'release');
    const whose = now.claimedBy === by.id ? null : `claimed by ${now.claimedByName ?? 'another agent'}`;
    await this.done(released, by, 'callback.released', whose);
    return released;
  }

  /** Counts a call back placed by `place`, which only the claimer may do. */
  async callBack(id: string, by: Asker, place: (staffId: string) => Promise<Call>) {
    const now = await this.open(id);
    if (now.claimedBy !== by.id) {
      throw now.claimedBy === null
        ? forbidden('claim this callback before calling back')
        : claimedByOther(now);
    }
    const call = await place(now.staffId);
    // Already closed means the call back was answered before this counted it: it is done anyway.
    const tried =
      (await this.o.storage.callbacks.attempted(id, by.id, this.o.clock.now())) ??
      (await this.open(id, true));
    this.changed(tried);
    return { callback: tried, call };
  }

  /** By hand: its claimer, anyone while nobody has claimed it, an admin always. */
  async close(id: string, by: Asker, reason: string): Promise<Callback> {
    const now = await this.open(id);
    if (now.claimedBy !== null && now.claimedBy !== by.id && !by.admin) {
      throw forbidden(
        `${now.claimedByName ?? 'another agent'} claimed this callback: only an admin may close it`,
      );
    }
    const closed = await this.o.storage.callbacks.close(id, {
      by: by.id,
      reason,
      at: this.o.clock.now(),
      claimedBy: now.claimedBy,
    });
    if (!closed) throw refusal(await this.o.storage.callbacks.get(id), by, 'close');
    await this.done(closed, by, 'callback.closed', reason);
    return closed;
  }

  private async open(id: string, closedToo = false): Promise<Callback> {
    const cb = await this.o.storage.callbacks.get(id);
    if (!cb) throw notFound('callback');
    if (cb.state !== 'open' && !closedToo) throw conflict('this callback is already closed');
    return cb;
  }

  private async done(
    cb: Callback,
    by: Asker,
    action: 'callback.claimed' | 'callback.released' | 'callback.closed',
    detail: string | null = null,
  ) {
    this.changed(cb);
    await this.o.audit.record({ id: by.id, name: by.name }, action, target(cb), detail);
  }

  private changed(cb: Callback): void {
    this.o.notifier.toAgents('callbacks:changed', { callbacks: [cb] });
  }
}

const target = (cb: Callback) => ({ id: cb.id, name: cb.staffName });

const conflict = (message: string) => new AppError(ERROR_CODES.CONFLICT, message);

const claimedByOther = (cb: Callback) =>
  conflict(`${cb.claimedByName ?? 'another agent'} has claimed this callback`);

/** Why a conditional change found nothing to change: what the callback is now. */
function refusal(cb: Callback | null, by: Asker, what: string): AppError {
  if (!cb) return notFound('callback');
  if (cb.state === 'closed') return conflict('this callback is already closed');
  if (cb.claimedBy !== null && cb.claimedBy !== by.id) return claimedByOther(cb);
  return conflict(`could not ${what} this callback: it changed meanwhile; try again`);
}
