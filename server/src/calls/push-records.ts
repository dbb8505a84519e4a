import { type Call, type PushRecord, recordPush } from '#shared';

/**
 * APNs answers not yet on the stored call, by call id. Recording is lazy: it waits behind nothing
 * and nothing waits behind it; the call's next write takes them, a transition's or, when none comes
 * soon (lifecycle.ts `RECORDS_WAIT_MS`), one queued for them alone.
 */
export class PendingRecords {
  private readonly byCall = new Map<string, PushRecord[]>();

  /** True when none were waiting: a write must be queued. Otherwise the queued one takes it too. */
  add(callId: string, record: PushRecord): boolean {
    const pending = this.byCall.get(callId);
    if (pending) {
      pending.push(record);
      return false;
    }
    this.byCall.set(callId, [record]);
    return true;
  }

  /**
   * The call with the answers waiting for it, and how many it took. They stay pending until
   * `stored()`: a transition refused after reading them must not lose them.
   */
  take(call: Call): { call: Call; taken: number } {
    const pending = this.byCall.get(call.id) ?? [];
    return { call: pending.reduce(recordPush, call), taken: pending.length };
  }

  /** Whether any answer for the call is not stored yet. */
  waiting(callId: string): boolean {
    return this.byCall.has(callId);
  }

  /** The first `taken` are stored; true when more came meanwhile. */
  stored(callId: string, taken: number): boolean {
    const pending = this.byCall.get(callId);
    if (!pending || taken === 0) return false;
    pending.splice(0, taken);
    if (pending.length > 0) return true;
    this.byCall.delete(callId);
    return false;
  }

  /** The call is gone: nothing will take them. */
  drop(callId: string): void {
    this.byCall.delete(callId);
  }
}
