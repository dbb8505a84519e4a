import { useStore } from 'zustand';
import type { StaffEntry } from '#shared';
import { type ConsoleState, consoleStore } from './store';

export function useConsole<T>(select: (s: ConsoleState) => T): T {
  return useStore(consoleStore, select);
}

/** Staff and their phones, sorted by name, as the roster shows them. */
export function useStaff(): StaffEntry[] {
  return useStore(consoleStore, (s) => s.staff);
}
