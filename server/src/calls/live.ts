import { type Call, isLive } from '#shared';

/**
 * The calls going on right now, by id: the one source of busy state. Built before anything that
 * asks "is this phone busy?" (the roster, the call service), so none of them needs the other.
 */
export class LiveCalls {
  private readonly calls = new Map<string, Call>();

  get(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /**
   * The call as it stands, when this view is the authority on it (one process changes the calls),
   * or undefined: then the caller reads the database, under the call's lock.
   */
  authority(callId: string): Call | undefined {
    return this.calls.get(callId);
  }

  /** Keeps the newest version of a live call; forgets one that ended. */
  put(call: Call): void {
    if (isLive(call)) this.calls.set(call.id, call);
    else this.calls.delete(call.id);
  }

  list(): Call[] {
    return [...this.calls.values()];
  }

  /** A phone is busy while it is the answering (or calling) party of a live call. */
  isDeviceBusy(deviceId: string): boolean {
    for (const call of this.calls.values()) {
      if (call.devices.some((l) => l.deviceId === deviceId && l.state === 'answered')) return true;
    }
    return false;
  }

  isAgentBusy(agentId: string): boolean {
    for (const call of this.calls.values()) if (call.agentId === agentId) return true;
    return false;
  }

  ofStaff(staffId: string): Call[] {
    return this.list().filter((c) => c.staffId === staffId);
  }
}
