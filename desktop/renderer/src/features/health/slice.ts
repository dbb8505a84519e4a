import type { HealthAlert, PhoneRecord } from '#shared';
import type { ConsoleSlice } from '../../store/store';

/** Phones' ring records as the server last said, and the alerts this console has not dismissed. */
export interface HealthData {
  /** By device id; a phone without one has no ring in its record yet. */
  records: Record<string, PhoneRecord>;
  /** False until the first `health:records` answer after sign-in. */
  recordsLoaded: boolean;
  /** Phones that turned Not ringing or Token invalid, newest first, one per phone. */
  healthAlerts: HealthAlert[];
}

export interface HealthSlice extends HealthData {
  /** Every phone's record (on each connect): the ones it does not list have none. */
  healthRecords(phones: PhoneRecord[]): void;
  healthChanged(phones: PhoneRecord[]): void;
  healthAlerted(alert: HealthAlert): void;
  dismissHealthAlert(deviceId: string): void;
}

export const healthData = (): HealthData => ({ records: {}, recordsLoaded: false, healthAlerts: [] });

export const createHealthSlice: ConsoleSlice<HealthSlice> = (set) => ({
  ...healthData(),
  healthRecords: (phones) =>
    set({ records: Object.fromEntries(phones.map((r) => [r.deviceId, r])), recordsLoaded: true }),
  healthChanged: (phones) =>
    set((s) => ({ records: { ...s.records, ...Object.fromEntries(phones.map((r) => [r.deviceId, r])) } })),
  // A phone's newer alert replaces its older one: the banner says how it is now.
  healthAlerted: (alert) =>
    set((s) => ({ healthAlerts: [alert, ...s.healthAlerts.filter((a) => a.deviceId !== alert.deviceId)] })),
  dismissHealthAlert: (deviceId) =>
    set((s) => ({ healthAlerts: s.healthAlerts.filter((a) => a.deviceId !== deviceId) })),
});
