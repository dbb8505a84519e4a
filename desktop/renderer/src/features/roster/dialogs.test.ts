import { describe, expect, it } from 'vitest';
import type { StaffEntry } from '#shared';
import { dialogFor } from './dialogs';

const ana: StaffEntry = { id: 'staff-ana', name: 'Ana', handle: null, devices: [] };

describe('the dialog a roster row opens', () => {
  it('is for the staff member as the roster holds them now', () => {
    expect(dialogFor({ type: 'rename', staffId: 'staff-ana' }, [ana])).toEqual({
      kind: 'rename',
      staff: ana,
    });
    expect(dialogFor({ type: 'unpair', staffId: 'staff-ana', deviceId: 'dev-1' }, [ana])).toEqual({
      kind: 'unpair',
      staff: ana,
      deviceId: 'dev-1',
    });
  });

  it('is none when they were removed meanwhile, from another console', () => {
    expect(dialogFor({ type: 'pair', staffId: 'staff-gone' }, [ana])).toBeNull();
  });
});
