import type { Call } from '#shared';

/**
 * The reports each phone had applied to each live call, so that a replay (a report sent again
 * after a lost ack) changes nothing. Keyed by number and event: a phone app that restarts mid-call
 * counts from 1 again, and its new reports must not be taken for replays.
 */
export class SeenReports {
  /** `${callId}/${deviceId}` → `${seq}:${event}` applied. */
  private readonly byLeg = new Map<string, Set<string>>();

  seen(callId: string, deviceId: string, report: string): boolean {
    return this.byLeg.get(`${callId}/${deviceId}`)?.has(report) ?? false;
  }

  mark(callId: string, deviceId: string, report: string): void {
    const key = `${callId}/${deviceId}`;
    this.byLeg.set(key, (this.byLeg.get(key) ?? new Set()).add(report));
  }

  /** The call ended: none of its reports can change it any more. */
  forget(call: Call): void {
    for (const leg of call.devices) this.byLeg.delete(`${call.id}/${leg.deviceId}`);
  }
}
