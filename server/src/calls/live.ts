import { type Call, isLive, liveTransfer } from '#shared';

/** Whether the phone is the answering (or calling) party of this call. */
export const answers = (call: Call, deviceId: string): boolean =>
  call.devices.some((l) => l.deviceId === deviceId && l.state === 'answered');

/** Whether the agent is taken by this call: it is theirs, or they consult about it (a warm transfer). */
export function occupies(call: Call, agentId: string): boolean {
  if (call.agentId === agentId) return true;
  const transfer = liveTransfer(call);
  return transfer?.state === 'consulting' && transfer.toAgentId === agentId;
}

/** How many ended calls the authority keeps (bounded: older ones are read from the database). */
const RECENTLY_ENDED = 256;

/**
 * The calls going on right now, by id: the one source of busy state. Built before anything that
 * asks "is this phone busy?" (the roster, the call service), so none of them needs the other.
 */
export class LiveCalls {
  private readonly calls = new Map<string, Call>();
  /**
   * The last calls that ended here, newest last: APNs' answers to their cancels still go on them
   * (a write per answer, lifecycle.ts), and the authority need not read them back for that.
   */
  private readonly recentlyEnded = new Map<string, Call>();
  /** False where this view is never the authority (a cluster node's): nothing reads them there. */
  protected readonly keepsEnded: boolean = true;

  get(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /**
   * The call as it stands, when this view is the authority on it (one process changes the calls),
   * or undefined: then the caller reads the database, under the call's lock.
   */
  authority(callId: string): Call | undefined {
    return this.calls.get(callId) ?? this.recentlyEnded.get(callId);
  }

  /** Keeps the newest version of a live call; one that ended leaves the live ones. */
  put(call: Call): void {
    if (isLive(call)) {
      this.calls.set(call.id, call);
      return;
    }
    this.calls.delete(call.id);
    if (!this.keepsEnded) return;
    this.recentlyEnded.delete(call.id);
    this.recentlyEnded.set(call.id, call);
    if (this.recentlyEnded.size > RECENTLY_ENDED)
      this.recentlyEnded.delete(this.recentlyEnded.keys().next().value as string);
  }

  list(): Call[] {
    return [...this.calls.values()];
  }

  /** A phone is busy while it is the answering (or calling) party of a live call. */
  isDeviceBusy(deviceId: string, exceptCallId?: string): boolean {
    for (const call of this.calls.values())
      if (call.id !== exceptCallId && answers(call, deviceId)) return true;
    return false;
  }

  /** An agent is busy with their own call, and while they consult about someone else's. */
  isAgentBusy(agentId: string): boolean {
    for (const call of this.calls.values()) if (occupies(call, agentId)) return true;
    return false;
  }

  /**
   * Whether the agent is in a live call, as the authority on calls has it: asked under the
   * agent's lock, so that nothing can make it busy between the answer and what is done with it.
   */
  async agentBusyNow(agentId: string): Promise<boolean> {
    return this.isAgentBusy(agentId);
  }

  /** Whether the phone is busy with a call other than `exceptCallId`, asked under the phone's lock. */
  async deviceBusyNow(deviceId: string, exceptCallId?: string): Promise<boolean> {
    return this.isDeviceBusy(deviceId, exceptCallId);
  }

  /**
   * Brings the copies of the calls `of` picks, among those naming `id` (an agent's or a phone's),
   * up to date before a decision is taken from them. A single server's view is the authority
   * itself: nothing to do.
   */
  async catchUpOn(_id: string, _of: (call: Call) => boolean): Promise<void> {}

  ofStaff(staffId: string): Call[] {
    return this.list().filter((c) => c.staffId === staffId);
  }
}
