import type { PhoneRecord, RejectReason, RingCounts } from '#shared';

/** What became of one phone's part in a call, as its ring record counts it. */
export interface RingLeg {
  deviceId: string;
  /** When the phone was asked to ring: the hour and day it is counted in. */
  at: number;
  /** APNs' last answer on its call push: accepted (`reason` null) or refused; null when not known. */
  push: { at: number; reason: RejectReason | null } | null;
  /** Whether it rang; null when the call says nothing either way (stopped too soon, never pushed). */
  outcome: 'rang' | 'notRung' | null;
  /** Push→ring (ms), for a phone that rang. */
  latencyMs: number | null;
  /** When it reported ringing. */
  rangAt: number | null;
  answered: boolean;
}

/** What the alert rules need of a phone once its legs are written: the database's, after the write. */
export interface RingPhoneState {
  deviceId: string;
  notRungStreak: number;
  /** The alert state last noted for it (see `noteAlert`); null before any. */
  alertKey: string | null;
}

export interface RingHealthStore {
  /**
   * What became of the phones of one or more calls, in the order the calls ended, in one
   * transaction (a phone may appear in several): each phone's state after it.
   */
  recordLegs(legs: RingLeg[]): Promise<RingPhoneState[]>;
  /** Records over the 24 h and 7 days up to `now`, of these phones (default: every phone with one). */
  records(now: number, deviceIds?: string[]): Promise<PhoneRecord[]>;
  /** Hours or UTC days from `from`, oldest first: one phone's, or summed over every phone. */
  series(o: {
    period: 'h' | 'd';
    from: number;
    deviceId?: string;
  }): Promise<{ start: number; counts: RingCounts }[]>;
  /**
   * Notes the phone's alert state (`ok`, `notRinging`, `tokenInvalid:<when>`…). True only when it
   * differs from the one noted before: of several nodes noting the same change, one hears true.
   */
  noteAlert(deviceId: string, key: string, at: number): Promise<boolean>;
  /** Drops hour rows from before `hoursBefore`, day rows from before `daysBefore`, and forgotten phones. */
  prune(o: { hoursBefore: number; daysBefore: number }): Promise<number>;
}
