import {
  type Clock,
  DAY_MS,
  type DeviceEntry,
  emptyRecord,
  HEALTH_DETAIL_DAYS,
  HEALTH_TEAM_DAYS,
  type HealthAlert,
  isAlertState,
  type PhoneHealth,
  type PhoneRecord,
  phoneHealth,
} from '#shared';
import type { Notifier } from '../calls/ports';
import type { Logger } from '../ops/logger';
import type { Roster } from '../roster/roster';
import type { DeviceRow, Storage } from '../storage/types';

const HOUR_MS = 3_600_000;
/** Hour rows serve the last 24 h and 7 days: a day's margin past that, then they go. */
const HOUR_ROWS_KEPT_MS = 8 * DAY_MS;
const PRUNE_EVERY_MS = HOUR_MS;

export interface PhoneHealthOptions {
  storage: Storage;
  clock: Clock;
  logger: Logger;
  notifier: Notifier;
  /** Presence and token facts of a phone, as the roster shows them. */
  roster: Pick<Roster, 'deviceEntry'>;
  pushesEnabled: boolean;
  /** How long day rows are kept (`--health-retention`, 90 days by default). */
  retentionMs: number;
  track: <T>(p: Promise<T>) => Promise<T>;
}

/**
 * Phone health on the server (issue 25 items 1, 2, 4, 5): tells consoles when records change,
 * announces a phone that turned Not ringing or Token invalid once per change (whichever node saw
 * it: the database decides), answers what the Health screen and the charts read, and keeps the
 * rollups within their retention.
 */
export class PhoneHealthService {
  private readonly pending = new Set<string>();
  private flushing: Promise<void> | null = null;
  private prunedAt: number | null = null;

  constructor(private readonly o: PhoneHealthOptions) {}

  /** These phones' records (or token) changed: consoles hear of it, and alerts are checked. */
  changed(deviceIds: string[]): void {
    for (const id of deviceIds) this.pending.add(id);
    this.flushing ??= this.o.track(
      new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.flush())
        .catch((err: unknown) => this.o.logger.error({ err }, 'could not tell consoles of phone health'))
        .finally(() => {
          this.flushing = null;
          if (this.pending.size > 0) this.changed([]);
        }),
    );
  }

  /** Every phone with a record: the roster's marks and the Health screen. */
  async records(): Promise<PhoneRecord[]> {
    return this.o.storage.ringHealth.records(this.o.clock.now());
  }

  /** One phone's record with its hours over 7 days and days over 30, for its charts. */
  async phone(deviceId: string) {
    const now = this.o.clock.now();
    const [record] = await this.o.storage.ringHealth.records(now, [deviceId]);
    const [hours, days] = await Promise.all([
      this.o.storage.ringHealth.series({
        period: 'h',
        from: hourStart(now) - (7 * 24 - 1) * HOUR_MS,
        deviceId,
      }),
      this.o.storage.ringHealth.series({
        period: 'd',
        from: dayStart(now) - (HEALTH_DETAIL_DAYS - 1) * DAY_MS,
        deviceId,
      }),
    ]);
    return { record: record ?? emptyRecord(deviceId), hours, days };
  }

  /** The team's UTC days over the last 30, every phone summed. */
  async team() {
    const from = dayStart(this.o.clock.now()) - (HEALTH_TEAM_DAYS - 1) * DAY_MS;
    return { days: await this.o.storage.ringHealth.series({ period: 'd', from }) };
  }

  /** A phone's mark as the rules give it now, with its roster facts. */
  healthOf(device: DeviceRow, record: PhoneRecord | null): { entry: DeviceEntry; health: PhoneHealth } {
    const entry = this.o.roster.deviceEntry(device);
    return { entry, health: phoneHealth(entry, record, this.o.clock.now(), this.o.pushesEnabled) };
  }

  /**
   * Drops rollups past their retention, at most once an hour, as records are written (and at
   * start): a server that records nothing adds nothing to prune, and needs no timer of its own.
   */
  prune(): void {
    const now = this.o.clock.now();
    if (this.prunedAt !== null && now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const pruned = this.o.storage.ringHealth.prune({
      hoursBefore: now - HOUR_ROWS_KEPT_MS,
      daysBefore: now - this.o.retentionMs,
    });
    void this.o
      .track(pruned)
      .catch((err: unknown) => this.o.logger.warn({ err }, 'could not prune ring records'));
  }

  private async flush(): Promise<void> {
    const ids = [...this.pending];
    this.pending.clear();
    const records = await this.o.storage.ringHealth.records(this.o.clock.now(), ids);
    const byId = new Map(records.map((r) => [r.deviceId, r]));
    const phones = ids.map((id) => byId.get(id) ?? emptyRecord(id));
    this.o.notifier.toAgents('health:changed', { phones });
    for (const record of phones) await this.checkAlert(record);
    this.prune();
  }

  /**
   * Notes the phone's alert state and, when it turned into one worth an alert, tells consoles.
   * A dead token's state carries when APNs refused it, so the next refusal is a change again.
   */
  private async checkAlert(record: PhoneRecord): Promise<void> {
    const device = await this.o.storage.devices.get(record.deviceId);
    if (!device) return;
    const { entry, health } = this.healthOf(device, record);
    const key =
      health.state === 'tokenInvalid'
        ? `tokenInvalid:${entry.token.invalidAt ?? entry.token.movedTo?.deviceId ?? ''}`
        : health.state === 'notRinging'
          ? 'notRinging'
          : 'ok';
    const now = this.o.clock.now();
    if (!(await this.o.storage.ringHealth.noteAlert(device.id, key, now))) return;
    if (!isAlertState(health.state)) return;
    const staff = await this.o.storage.staff.get(device.staffId);
    const alert: HealthAlert = {
      deviceId: device.id,
      staffId: device.staffId,
      phone: device.name,
      staff: staff?.name ?? 'a staff member',
      state: health.state,
      label: health.label,
      fix: health.fix,
      at: now,
    };
    this.o.logger.warn({ deviceId: device.id, state: health.state }, 'a phone will not ring');
    this.o.notifier.toAgents('health:alert', alert);
  }
}

const hourStart = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
