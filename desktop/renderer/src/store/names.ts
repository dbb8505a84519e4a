import { useMemo } from 'react';
import type { StaffEntry } from '#shared';
import { useStaff } from './hooks';

export interface DeviceName {
  device: string;
  staff: string;
  staffId: string;
}

export type Names = {
  device(id: string | null): DeviceName | null;
  staff(id: string): StaffEntry | null;
};

/** Device and staff names by id, so a timeline can say "ringing on Ana's iPhone". */
export function buildNames(staff: StaffEntry[]): Names {
  const devices = new Map<string, DeviceName>();
  const people = new Map<string, StaffEntry>();
  for (const s of staff) {
    people.set(s.id, s);
    for (const d of s.devices) devices.set(d.id, { device: d.name, staff: s.name, staffId: s.id });
  }
  return {
    device: (id) => (id === null ? null : (devices.get(id) ?? null)),
    staff: (id) => people.get(id) ?? null,
  };
}

export function useNames(): Names {
  const staff = useStaff();
  return useMemo(() => buildNames(staff), [staff]);
}
