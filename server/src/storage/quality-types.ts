import type { QualityMark, QualitySide, QualitySummary } from '#shared';

/** One end's latest quality report on a call (migration 0008, storage/quality.ts). */
export interface QualityRow {
  callId: string;
  /** The agent or device that reported. */
  partyId: string;
  side: QualitySide;
  /** The call's phone (the one that answered it), so a phone's quality covers both ends' reports. */
  deviceId: string | null;
  /** When the call began: history's time, so "this week" means the same calls in both. */
  callCreatedAt: number;
  at: number;
  mark: QualityMark | null;
  mos: number | null;
  summary: QualitySummary;
}

export interface QualityStore {
  /** Keeps a party's latest report on a call (replacing its earlier one). */
  save(row: QualityRow): Promise<void>;
  /** Every report on these calls. */
  forCalls(callIds: readonly string[]): Promise<QualityRow[]>;
  /** Every report on calls answered by this phone that began at `from` or later. */
  forDevice(deviceId: string, from: number): Promise<QualityRow[]>;
}
