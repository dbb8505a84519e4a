import {
  type Clock,
  DAY_MS,
  type DeviceEntry,
  emptyRecord,
  HEALTH_DETAIL_DAYS,
  HEALTH_TEAM_DAYS,
  type HealthAlert,
  isAlertState,
  NOT_RINGING_STREAK,
  type PhoneHealth,
  type PhoneRecord,
  phoneHealth,
  type RejectReason,
  type TimerHandle,
} from '#shared';
import type { Notifier } from '../calls/ports';
import type { Logger } from '../ops/logger';
import type { Roster } from '../roster/roster';
import type { DeviceRow, RingLeg, RingPhoneState, Storage } from '../storage/types';

const HOUR_MS = 3_600_000;
/** Hour rows serve the last 24 h and 7 days: a day's margin past that, then they go. */
const HOUR_ROWS_KEPT_MS = 8 * DAY_MS;
const PRUNE_EVERY_MS = HOUR_MS;
/**
 * Consoles hear of changed records at most this often from a node: a busy team ends calls many
 * times a second, and one `health:changed` then carries every phone that changed meanwhile.
 */
export const HEALTH_FLUSH_EVERY_MS = 1000;
/** APNs' refusals that mark a phone's token invalid (push/classify): Token invalid may follow. */
const TOKEN_REFUSALS = new Set<RejectReason>(['unregistered', 'badToken', 'wrongTopic']);

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
  /** Phones whose records consoles have not heard of yet. */
  private readonly pending = new Set<string>();
  /** Phones whose alert state may have changed. */
  private readonly checks = new Set<string>();
  private flushing: Promise<void> | null = null;
  private timer: TimerHandle | null = null;
  private flushedAt: number | null = null;
  private prunedAt: number | null = null;
  private stopped = false;

  constructor(private readonly o: PhoneHealthOptions) {}

  /** These phones' token or presence facts changed: consoles hear of it, and alerts are checked. */
  changed(deviceIds: string[]): void {
    for (const id of deviceIds) {
      this.pending.add(id);
      this.checks.add(id);
    }
    this.schedule();
  }

  /**
   * These phones' records were written (their state as the database has it after the write):
   * consoles hear of it, and the alert is checked only where the streak crossed the Not ringing
   * line either way since the last alert noted, APNs refused a phone's token, or a dead token's
   * phone was tried again: no device is read for the calls in between.
   */
  recorded(phones: RingPhoneState[], legs: RingLeg[]): void {
    for (const p of phones) {
      this.pending.add(p.deviceId);
      if (alertMayChange(p)) this.checks.add(p.deviceId);
    }
    for (const leg of legs) {
      if (leg.push?.reason && TOKEN_REFUSALS.has(leg.push.reason)) this.checks.add(leg.deviceId);
    }
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
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

  /**
   * Flushes now, or when HEALTH_FLUSH_EVERY_MS has passed since the last flush began; a possible
   * alert does not wait (they are rare: a phone crossing the line, a token dying).
   */
  private schedule(): void {
    if (this.flushing || this.stopped) return;
    const wait = this.flushedAt === null ? 0 : this.flushedAt + HEALTH_FLUSH_EVERY_MS - this.o.clock.now();
    if (this.checks.size === 0 && wait > 0) {
      if (this.timer) return;
      // Not tracked while it waits: the server's `idle()` means no work under way, not none due.
      this.timer = this.o.clock.setTimeout(() => {
        this.timer = null;
        this.start();
      }, wait);
      return;
    }
    this.start();
  }

  private start(): void {
    if (this.timer) this.o.clock.clearTimeout(this.timer);
    this.timer = null;
    this.flushing = this.o.track(
      new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => this.flush())
        .catch((err: unknown) => this.o.logger.error({ err }, 'could not tell consoles of phone health'))
        .finally(() => {
          this.flushing = null;
          if (this.pending.size > 0 || this.checks.size > 0) this.schedule();
        }),
    );
  }

  private async flush(): Promise<void> {
    this.flushedAt = this.o.clock.now();
    const ids = [...new Set([...this.pending, ...this.checks])];
    const checks = new Set(this.checks);
    this.pending.clear();
    this.checks.clear();
    const records = await this.o.storage.ringHealth.records(this.o.clock.now(), ids);
    const byId = new Map(records.map((r) => [r.deviceId, r]));
    const phones = ids.map((id) => byId.get(id) ?? emptyRecord(id));
    this.o.notifier.toAgents('health:changed', { phones });
    for (const record of phones) if (checks.has(record.deviceId)) await this.checkAlert(record);
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

/** Whether a write may have moved the phone's alert state (`checkAlert`'s key) from the one noted. */
function alertMayChange(p: RingPhoneState): boolean {
  const notRinging = p.notRungStreak >= NOT_RINGING_STREAK;
  if (p.alertKey === null || p.alertKey === 'ok') return notRinging;
  if (p.alertKey === 'notRinging') return !notRinging;
  // A dead token's phone that was tried again: whether its token is still refused, its device says.
  return true;
}

const hourStart = (ms: number) => Math.floor(ms / HOUR_MS) * HOUR_MS;
const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
