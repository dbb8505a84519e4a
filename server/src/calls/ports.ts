import type { AgentServerEvents, Call, CallCancelledPayload, DeviceServerEvents, EndReason } from '#shared';
import type { CallbackStore, DeviceStore, StaffStore, Statement } from '../storage/types';

/**
 * What the call core needs from the world around it. A single server and a cluster node each
 * provide all of them (`single-node.ts`, `cluster/calls.ts`); `app.ts` picks one set at start-up,
 * and the core never asks which it got.
 */

/**
 * Fan-out: how the call core reaches connected clients. The Socket.IO gateways implement it (in a
 * cluster, through rooms that span the nodes); the core never touches a socket.
 */
export interface Notifier {
  toAgents<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>): void;
  /** Every console signed in as an admin: what only admins' screens use (the Live board's hint). */
  toAdmins<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>): void;
  toAgent<E extends keyof AgentServerEvents>(
    agentId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void;
  toDevice<E extends Exclude<keyof DeviceServerEvents, 'call:cancelled'>>(
    deviceId: string,
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void;
  /**
   * As `toAgent`, to every console of the agent but `socketId`: the one whose call request made the
   * change, whose ack carries the call, and which said it takes that ack as the change
   * (`callAcks`, shared events.ts). Nothing at all when it is the agent's only console.
   */
  toAgentExcept<E extends keyof AgentServerEvents>(
    agentId: string,
    socketId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void;
  /**
   * As `toDevice`, to every socket of the phone but `socketId`: the one whose `call:report` made
   * the change, whose ack carries the call, and which said it takes that ack as the change
   * (`reportAcks`, shared video.ts). Nothing at all when it is the phone's only socket.
   */
  toDeviceExcept<E extends Exclude<keyof DeviceServerEvents, 'call:cancelled'>>(
    deviceId: string,
    socketId: string,
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void;
  /**
   * `call:cancelled` to every socket of the phone, asking for an ack: resolves true when one of them
   * acknowledged it; null when the phone has no socket (nothing was sent). It may never resolve (a
   * socket that died quietly): whoever waits puts a deadline on it. `backstopMs` bounds what a
   * cluster's broadcast keeps waiting for answers.
   */
  cancelDevice(deviceId: string, cancel: CallCancelledPayload, backstopMs: number): Promise<boolean> | null;
  /** The one console of the agent that carries call audio (their softphone), for media signals. */
  toSoftphone<E extends keyof AgentServerEvents>(
    agentId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void;
}

/** Who is connected right now (in a cluster, to any live node). */
export interface Presence {
  isDeviceOnline(deviceId: string): boolean;
  onlineAgentIds(): string[];
}

/** A party to calls: a console (its agent) or a phone. */
export type Party = { agentId: string } | { deviceId: string };

export const partyKey = (party: Party) =>
  'agentId' in party ? `agent:${party.agentId}` : `device:${party.deviceId}`;

/**
 * Locking: holds a key (a call, an agent, a phone) against every other process that changes the
 * same calls, for as long as `task` runs. Within one process the core already runs a key's tasks
 * one at a time (queue.ts); this is what it cannot see. A task takes a further key through
 * `inner`, on the hold it has (never waiting for a second one while holding the first).
 */
export interface Locks {
  hold<T>(key: string, task: (inner: Locks) => Promise<T>): Promise<T>;
  /**
   * Offered to the task of an outermost hold where the locks live in the database (a cluster
   * node's): stores the call's new version and lets the hold's keys go in the same round trip,
   * atomically, instead of a write and then a release (bench/README.md). Resolves once the call
   * is durable; from then on only this process's queue of the key keeps its tasks in order, so it
   * is the task's last write under the hold. A single server on PostgreSQL offers it too, with
   * nothing to let go: the call goes in its group-committed write with what `also` was given
   * (single-node.ts). Without it, the caller stores the call itself.
   */
  persist?(call: Call): Promise<void>;
  /**
   * Offered with `persist`: a statement of the database's that goes in `persist`'s round trip,
   * before the call and in the same transaction, for what must be durable no later than the
   * call's change (a cancel's lease, cluster/calls.ts; the agent's availability at a call's end,
   * availability/service.ts). `literal` quotes a value for it.
   */
  also?(statement: Statement): void;
  /**
   * Offered by a cluster node's holds of an agent or a phone: the staff members, phones and open
   * callbacks as the database had them when the lock was granted, answered from memory when
   * nothing changed them since this node last read them (cluster/shared-rows.ts). Without it, the
   * task reads the storage (a single server's keeps its own rows: storage/own-rows.ts).
   */
  rows?: HeldRows;
  /**
   * Offered by a hold that began from this process's copy of a live call instead of reading it
   * under the call's lock (a cluster node's, cluster/lock.ts): resolves once the copy is known to
   * be the call as stored, and throws when another node changed it since, the task then running
   * again under the lock. `persist` checks it itself; a task that acts on a decision it does not
   * store (a report marked seen with no change) confirms first.
   */
  confirm?(): Promise<void>;
  /**
   * Offered with `confirm`: resolves once a write of the task's own (one that cannot go in
   * `persist`'s round trip, `also`) may go ahead, the call copies its decisions came from checked
   * and their locks held to the end of the hold's transaction; throws where that cannot be (a hold
   * with no transaction before its `persist`), the task then running again under the lock.
   */
  needLock?(): Promise<void>;
}

/** The reads a task under a party's lock makes of what other nodes may write (`Locks.rows`). */
export interface HeldRows {
  staff: Pick<StaffStore, 'get'>;
  devices: Pick<DeviceStore, 'get' | 'listByStaff'>;
  callbacks: Pick<CallbackStore, 'answered'>;
}

/**
 * Timers: ring deadlines, transfers' ring times and reconnect graces, on the server's clock. When
 * one is due the port calls the core (`CallCore.ringOver`, `transferOver`, `graceOver`); any may
 * fire after the call moved on, and
 * the core then finds nothing left to do.
 */
export interface CallTimers {
  /** The call rings until `call.ringUntil`. */
  ringStarted(call: Call): void;
  /** The call was answered or ended: its deadline no longer matters. */
  ringEnded(callId: string): void;
  /** The party's reconnect grace runs until `dueAt`. */
  graceStarted(party: Party, dueAt: number): Promise<void>;
  /** The party is back: its grace is over. */
  graceEnded(party: Party): Promise<void>;
  /** A transfer rings another agent's console until `dueAt`; null: no transfer rings any more. */
  transferRinging(callId: string, dueAt: number | null): void;
}

/**
 * Where the push ledger notes cancels under way, so that a cancel outlives the process that was
 * sending it: another process sends it (`CallCore.resendCancel`) if this one dies first.
 */
export interface CancelJournal {
  /**
   * Written before the call's end is stored, or with it: `held` are the locks of the task that
   * stores it next, through their `persist` when they offer it.
   */
  pending(callId: string, cancels: { deviceId: string; reason: EndReason }[], held?: Locks): Promise<void>;
  /** APNs took the cancel, or gave its last word on it. */
  done(callId: string, deviceId: string): Promise<void>;
}

/** What the ports call on the core, once it exists (`CallPorts.start`). */
export interface CallCore {
  /** A ring deadline passed: a call nobody answered ends `missed`. */
  ringOver(callId: string): Promise<void>;
  /** A transfer's ring time passed: it ends unanswered, the call stays with its agent. */
  transferOver(callId: string): Promise<void>;
  /** A party's reconnect grace ran out without it: its calls fail. */
  graceOver(party: Party): Promise<void>;
  /** A party went away without its sockets closing here (its node died): it gets the grace. */
  partyGone(party: Party): void;
  /** A cancel its sender may not have finished: true while this process sends it. */
  resendCancel(call: Call, deviceId: string, reason: EndReason): boolean;
  /** Ends, as `failed`, the calls a previous run of this server left unfinished. */
  recover(): Promise<number>;
}

/** One topology's implementations, chosen once at start-up. */
export interface CallPorts {
  locks: Locks;
  timers: CallTimers;
  cancels: CancelJournal;
  /** Starts firing timers and taking over work left behind; called once, with the core built. */
  start(core: CallCore): Promise<void>;
  /** The server stops: this process's own timers fire no more (what outlives it stays). */
  stop(): void;
  /** Once the work in flight is done: nothing fires any more, and what is left goes to others. */
  close(): Promise<void>;
}
