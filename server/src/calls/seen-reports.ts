import type { Call, DeviceReportEvent } from '#shared';

/** Reports that set a state back and forth: only the newest of each pair counts. */
const TOGGLES: Partial<Record<DeviceReportEvent, 'mute' | 'hold'>> = {
  muted: 'mute',
  unmuted: 'mute',
  held: 'hold',
  resumed: 'hold',
};

export interface SeenReport {
  event: DeviceReportEvent;
  seq: number;
  /** When the phone made it (its clock). */
  at: number;
}

/**
 * The reports each phone had applied to each live call, so that a replay (a report sent again
 * after a lost ack) changes nothing, nor a mute or hold report older than one applied already
 * (a retried `muted` arriving after the `unmuted` that followed it). Replays are keyed by number
 * and event, and age is the phone's time before its number: an app that restarts mid-call counts
 * from 1 again, and its new reports must not be taken for old ones.
 */
export class SeenReports {
  /** `${callId}/${deviceId}` → `${seq}:${event}` applied. */
  private readonly byLeg = new Map<string, Set<string>>();
  /** `${callId}/${deviceId}/${toggle}` → the newest such report applied. */
  private readonly newest = new Map<string, SeenReport>();

  /** Whether applying the report would change nothing the phone meant: a replay, or overtaken. */
  seen(callId: string, deviceId: string, report: SeenReport): boolean {
    if (this.byLeg.get(`${callId}/${deviceId}`)?.has(`${report.seq}:${report.event}`)) return true;
    const toggle = TOGGLES[report.event];
    const newest = toggle && this.newest.get(`${callId}/${deviceId}/${toggle}`);
    return newest ? report.at < newest.at || (report.at === newest.at && report.seq < newest.seq) : false;
  }

  mark(callId: string, deviceId: string, report: SeenReport): void {
    const key = `${callId}/${deviceId}`;
    this.byLeg.set(key, (this.byLeg.get(key) ?? new Set()).add(`${report.seq}:${report.event}`));
    const toggle = TOGGLES[report.event];
    if (toggle) this.newest.set(`${key}/${toggle}`, report);
  }

  /** The call ended: none of its reports can change it any more. */
  forget(call: Call): void {
    for (const leg of call.devices) {
      const key = `${call.id}/${leg.deviceId}`;
      this.byLeg.delete(key);
      for (const toggle of ['mute', 'hold']) this.newest.delete(`${key}/${toggle}`);
    }
  }
}
