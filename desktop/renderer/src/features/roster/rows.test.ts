import { describe, expect, it } from 'vitest';
import type { DeviceEntry, StaffEntry } from '#shared';
import { pushHealth } from './health';
import { buildSearchIndex, filterStaff, toRows } from './rows';

const phone = (id: string, token: Partial<DeviceEntry['token']> = {}): DeviceEntry => ({
  id,
  staffId: 's',
  name: `${id} iPhone`,
  model: 'iPhone15,2',
  osVersion: '18.0',
  appVersion: '1.0',
  presence: 'reachable',
  token: {
    present: true,
    updatedAt: 0,
    invalidAt: null,
    invalidReason: null,
    environment: 'production',
    ...token,
  },
  pairedAt: 0,
  lastSeenAt: null,
});
const staff: StaffEntry[] = [
  { id: 'a', name: 'Ana Answers', handle: '+15550100000', devices: [phone('Ana')] },
  { id: 'b', name: 'Ben Declines', handle: '+15550100001', devices: [] },
];

describe('roster rows and search', () => {
  const index = buildSearchIndex(staff);
  it('finds staff by name, phone name, or number typed any way', () => {
    expect(filterStaff(index, 'ana').map((s) => s.id)).toEqual(['a']);
    expect(filterStaff(index, 'ANA IPHONE').map((s) => s.id)).toEqual(['a']);
    expect(filterStaff(index, '+1 (555) 010-0001').map((s) => s.id)).toEqual(['b']);
    expect(filterStaff(index, '  ').map((s) => s.id)).toEqual(['a', 'b']);
    expect(filterStaff(index, 'cleo')).toEqual([]);
  });

  it('gives a staff member without a phone a row that says so', () => {
    expect(toRows(staff).map((r) => r.key)).toEqual(['s:a', 'd:Ana', 's:b', 'n:b']);
  });

  it('says what to do about a phone that cannot be pushed', () => {
    expect(pushHealth(phone('x', { present: false }), 0).text).toMatch(/^No push token yet: open the app/);
    expect(pushHealth(phone('x', { invalidAt: 1, invalidReason: 'Unregistered' }), 0).text).toBe(
      'App deleted or token rotated: open the app on the phone',
    );
    expect(
      pushHealth(phone('x', { invalidAt: 1, invalidReason: 'BadDeviceToken', environment: 'sandbox' }), 0)
        .text,
    ).toMatch(/^Token is for the sandbox environment/);
    expect(pushHealth(phone('x', { updatedAt: 0 }), 3 * 3_600_000).text).toBe(
      'Push token OK, updated 3 h ago',
    );
  });
});
