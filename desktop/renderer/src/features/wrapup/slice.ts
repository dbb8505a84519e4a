import type { Disposition, WrapUp } from '#shared';
import type { ConsoleSlice } from '../../store/store';

/** The admins' dispositions, and the notes this console saved for the calls it shows. */
export interface WrapUpData {
  /** Active ones in the admins' order, then archived ones (history still names them). */
  dispositions: Disposition[];
  /** What was saved for a call, by call id (the call panel starts from it). */
  wrapUps: Record<string, WrapUp>;
}

export interface WrapUpSlice extends WrapUpData {
  dispositionsLoaded(dispositions: Disposition[]): void;
  wrapUpSaved(callId: string, wrapUp: WrapUp): void;
}

export const wrapUpData = (): WrapUpData => ({ dispositions: [], wrapUps: {} });

export const createWrapUpSlice: ConsoleSlice<WrapUpSlice> = (set) => ({
  ...wrapUpData(),
  dispositionsLoaded: (dispositions) => set({ dispositions }),
  wrapUpSaved: (callId, wrapUp) => set((s) => ({ wrapUps: { ...s.wrapUps, [callId]: wrapUp } })),
});
