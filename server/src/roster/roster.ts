import type { DeviceEntry, Presence as PresenceState, StaffEntry } from '#shared';
import type { Notifier, Presence } from '../calls/ports';
import type { DeviceRow, StaffRow, Storage } from '../storage/types';

/** How often, at most, every console is sent `roster:changed` while the roster keeps changing. */
export const ROSTER_WINDOW_MS = 100;

/**
 * The roster agents see: staff, their phones, and each phone's presence and push health.
 * Changes are coalesced, so a burst (a hundred phones reconnecting after a network blip, or many
 * calls starting and ending) becomes one `roster:changed` rather than one per event: each is a
 * frame to every console and two reads. A change when none was sent for a window goes out on the
 * next tick; those within the window after it wait for its end (real time, as availability's
 * announcements.ts, for the same reasons) and go together; `settled()` does not wait it out.
 */
export class Roster {
  private readonly pending = new Set<string>();
  private readonly removed = new Set<string>();
  private flushing: Promise<void> | null = null;
  private lastFlush = Number.NEGATIVE_INFINITY;
  /** Ends the wait for the window early. */
  private hurry: (() => void) | null = null;
  private closed = false;

  constructor(
    private readonly o: {
      storage: Storage;
      presence: Presence;
      isDeviceBusy: (deviceId: string) => boolean;
      notifier: Notifier;
      /** Whether a push can ring the phone (PushSender.canPush): else only a connected one is reachable. */
      canPush: (device: DeviceRow) => boolean;
      windowMs?: number;
      now?: () => number;
    },
  ) {}

  private now(): number {
    return this.o.now?.() ?? performance.now();
  }

  async snapshot(): Promise<StaffEntry[]> {
    const [staff, devices] = await Promise.all([this.o.storage.staff.list(), this.o.storage.devices.list()]);
    const byStaff = new Map<string, DeviceRow[]>();
    for (const d of devices) byStaff.set(d.staffId, [...(byStaff.get(d.staffId) ?? []), d]);
    return staff
      .map((s) => this.entry(s, byStaff.get(s.id) ?? []))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async entryFor(staffId: string): Promise<StaffEntry | null> {
    const staff = await this.o.storage.staff.get(staffId);
    if (!staff) return null;
    return this.entry(staff, await this.o.storage.devices.listByStaff(staffId));
  }

  /**
   * The entries of those of `staffIds` that still exist, in that order: two statements for the
   * whole batch (a flush), not two per staff member.
   */
  private async entriesFor(staffIds: string[]): Promise<StaffEntry[]> {
    if (staffIds.length === 0) return [];
    const [staff, devices] = await Promise.all([
      this.o.storage.staff.getMany(staffIds),
      this.o.storage.devices.listByStaffIds(staffIds),
    ]);
    const byId = new Map(staff.map((s) => [s.id, s]));
    const byStaff = new Map<string, DeviceRow[]>();
    for (const d of devices) byStaff.set(d.staffId, [...(byStaff.get(d.staffId) ?? []), d]);
    return staffIds.flatMap((id) => {
      const row = byId.get(id);
      return row ? [this.entry(row, byStaff.get(id) ?? [])] : [];
    });
  }

  changed(staffId: string): void {
    this.pending.add(staffId);
    this.schedule();
  }

  removedStaff(staffId: string): void {
    this.pending.delete(staffId);
    this.removed.add(staffId);
    this.schedule();
  }

  /** Resolves once every change so far has been broadcast. */
  async settled(): Promise<void> {
    while (this.flushing) {
      this.hurry?.();
      await this.flushing;
    }
  }

  /** The server stops: what waits is not sent (nor read from a database about to close). */
  close(): void {
    this.closed = true;
    this.pending.clear();
    this.removed.clear();
    this.hurry?.();
  }

  presenceOf(device: DeviceRow): PresenceState {
    if (this.o.isDeviceBusy(device.id)) return 'busy';
    if (this.o.presence.isDeviceOnline(device.id)) return 'online';
    if (this.o.canPush(device)) return 'reachable';
    return 'unreachable';
  }

  /** A phone as consoles see it (presence, token health), for the rules that read one. */
  deviceEntry(d: DeviceRow): DeviceEntry {
    return this.device(d);
  }

  private schedule(): void {
    if (this.flushing || this.closed) return;
    const wait = this.lastFlush + (this.o.windowMs ?? ROSTER_WINDOW_MS) - this.now();
    this.flushing = new Promise<void>((resolve) => {
      if (wait <= 0) {
        setImmediate(resolve);
        return;
      }
      const timer = setTimeout(resolve, wait);
      this.hurry = () => {
        clearTimeout(timer);
        resolve();
      };
    })
      .then(() => this.flush())
      .finally(() => {
        this.flushing = null;
        if (this.pending.size > 0 || this.removed.size > 0) this.schedule();
      });
  }

  private async flush(): Promise<void> {
    this.hurry = null;
    if (this.closed) return;
    this.lastFlush = this.now();
    const ids = [...this.pending];
    const removedStaffIds = [...this.removed];
    this.pending.clear();
    this.removed.clear();
    const entries = await this.entriesFor(ids);
    if (entries.length > 0 || removedStaffIds.length > 0) {
      this.o.notifier.toAgents('roster:changed', { staff: entries, removedStaffIds });
    }
  }

  private entry(staff: StaffRow, devices: DeviceRow[]): StaffEntry {
    return {
      id: staff.id,
      name: staff.name,
      handle: staff.handle,
      devices: devices.map((d) => this.device(d)),
      fallbackStaffId: staff.fallbackStaffId,
    };
  }

  private device(d: DeviceRow): DeviceEntry {
    return {
      id: d.id,
      staffId: d.staffId,
      name: d.name,
      model: d.model,
      osVersion: d.osVersion,
      appVersion: d.appVersion,
      presence: this.presenceOf(d),
      token: {
        present: d.voipToken !== null,
        updatedAt: d.tokenUpdatedAt,
        invalidAt: d.tokenInvalidAt,
        invalidReason: d.tokenInvalidReason,
        environment: d.voipToken !== null ? d.apnsEnvironment : null,
        movedTo: d.voipToken === null ? d.tokenMovedTo : null,
      },
      microphone: d.microphone,
      features: d.features,
      pairedAt: d.pairedAt,
      lastSeenAt: d.lastSeenAt,
    };
  }
}
