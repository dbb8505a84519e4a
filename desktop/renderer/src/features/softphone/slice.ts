import { isSoftphonePage, type SoftphoneStatus } from '#shared';
import type { ConsoleSlice } from '../../store/store';

export interface SoftphoneData {
  /** What the server last said: which console is the agent's softphone, and their settings. */
  softphone: SoftphoneStatus | null;
}

export interface SoftphoneSlice extends SoftphoneData {
  softphoneChanged(status: SoftphoneStatus): void;
}

export const softphoneData = (): SoftphoneData => ({ softphone: null });

export const createSoftphoneSlice: ConsoleSlice<SoftphoneSlice> = (set) => ({
  ...softphoneData(),
  softphoneChanged: (softphone) => set({ softphone }),
});

/** Whether the page `pageId` rings and carries audio (shared's rule). */
export function isSoftphone(s: SoftphoneData, pageId: string): boolean {
  return isSoftphonePage(s.softphone, pageId);
}
