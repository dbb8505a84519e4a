import type { StaffEntry } from '#shared';
import type { RowAction } from './RosterRow';

/** The one dialog the roster has open, if any. */
export type RosterDialog =
  | { kind: 'add' }
  | { kind: 'rename' | 'remove' | 'pair'; staff: StaffEntry }
  | { kind: 'unpair' | 'health'; staff: StaffEntry; deviceId: string }
  | null;

/**
 * The dialog a row's button opens, for the staff member as the roster holds them now; none when
 * they went away meanwhile (removed from another console).
 */
export function dialogFor(action: Exclude<RowAction, { type: 'call' }>, staff: StaffEntry[]): RosterDialog {
  const entry = staff.find((s) => s.id === action.staffId);
  if (!entry) return null;
  return action.type === 'unpair' || action.type === 'health'
    ? { kind: action.type, staff: entry, deviceId: action.deviceId }
    : { kind: action.type, staff: entry };
}
