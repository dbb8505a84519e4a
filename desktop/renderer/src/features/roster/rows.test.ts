import { describe, expect, it } from 'vitest';
import type { DeviceEntry, StaffEntry } from '#shared';
import { microphoneHealth, pushHealth } from './health';
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
    movedTo: null,
    ...token,
  },
  microphone: 'granted',
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

  it('says where a token went when the phone was paired again', () => {
    const moved = phone('x', { present: false, movedTo: { deviceId: 'y', name: 'Ana’s iPhone' } });
    expect(pushHealth(moved, 0)).toEqual({
      text: 'Token moved to Ana’s iPhone: this phone was paired again; unpair this old entry',
      tone: 'warn',
    });
  });

  it('says when a phone cannot send voice, and nothing while it can', () => {
    const withMic = (microphone: DeviceEntry['microphone']) => ({ ...phone('x'), microphone });
    expect(microphoneHealth(withMic('denied'))).toEqual({
      text: 'Microphone off: calls will be silent',
      fix: 'On the phone: Settings › Switchboard › Microphone',
      tone: 'bad',
    });
    expect(microphoneHealth(withMic('undetermined'))?.text).toBe('Microphone not allowed yet');
    expect(microphoneHealth(withMic('granted'))).toBeNull();
    // An app from before the report says nothing: no warning either.
    expect(microphoneHealth(withMic(null))).toBeNull();
  });

  it('says what to do about a phone that cannot be pushed', () => {
    expect(pushHealth(phone('x', { present: false }), 0).text).toMatch(/^No push token yet: open the app/);
    expect(pushHealth(phone('x', { invalidAt: 1, invalidReason: 'Unregistered' }), 0).text).toBe(
      'App deleted or token rotated: open the app on the phone',
    );
    // As the server stores it: APNs' status, then its reason (it said "APNs rejected the token").
    expect(pushHealth(phone('x', { invalidAt: 1, invalidReason: '410 Unregistered' }), 0).text).toBe(
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
