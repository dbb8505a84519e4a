import type { DeviceEntry, Presence as PresenceState, StaffEntry } from '#shared';
import type { Notifier, Presence } from '../calls/ports';
import type { DeviceRow, StaffRow, Storage } from '../storage/types';

/**
 * The roster agents see: staff, their phones, and each phone's presence and push health.
 * Changes are coalesced per tick, so a burst (a hundred phones reconnecting after a network blip)
 * becomes one `roster:changed` per staff member rather than one per event.
 */
export class Roster {
  private readonly pending = new Set<string>();
  private readonly removed = new Set<string>();
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly o: {
      storage: Storage;
      presence: Presence;
      isDeviceBusy: (deviceId: string) => boolean;
      notifier: Notifier;
      /** Whether a push can ring the phone (PushSender.canPush): else only a connected one is reachable. */
      canPush: (device: DeviceRow) => boolean;
    },
  ) {}

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
    while (this.flushing) await this.flushing;
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
    if (this.flushing) return;
    this.flushing = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.flush())
      .finally(() => {
        this.flushing = null;
        if (this.pending.size > 0 || this.removed.size > 0) this.schedule();
      });
  }

  private async flush(): Promise<void> {
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
      pairedAt: d.pairedAt,
      lastSeenAt: d.lastSeenAt,
    };
  }
}
