import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StaffEntry } from '#shared';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import type { Notifier } from '../src/calls/ports';
import { Roster } from '../src/roster/roster';
import { T0 } from './storage/fixtures';

type Changed = { staff: StaffEntry[]; removedStaffIds: string[] };

/**
 * `roster:changed` goes to every console: changes within the window after a broadcast go
 * together in the next one, each staff member as the roster is by then (roster-changes.test has
 * what a call's setup sends through the whole server).
 */
describe('roster broadcasts within a window', () => {
  let db: FreshStorage;
  let now = 1_000;
  let sent: Changed[];
  let roster: Roster;
  beforeEach(async () => {
    db = await freshStorage('sqlite');
    for (const name of ['Ana', 'Ben', 'Cy'])
      await db.storage.staff.create({ id: name, name, handle: null, createdAt: T0 });
    sent = [];
    const notifier = {
      toAgents: (event: string, payload: Changed) => {
        if (event === 'roster:changed') sent.push(payload);
      },
    } as unknown as Notifier;
    roster = new Roster({
      storage: db.storage,
      presence: { isDeviceOnline: () => false, onlineAgentIds: () => [] },
      isDeviceBusy: () => false,
      notifier,
      canPush: () => true,
      windowMs: 60_000,
      now: () => now,
    });
  });
  afterEach(async () => {
    roster.close();
    await db.dispose();
  });

  const names = (c: Changed) => c.staff.map((s) => s.name);

  it('sends the first change on the next tick, and those within the window after it together', async () => {
    roster.changed('Ana');
    await new Promise((resolve) => setImmediate(resolve));
    await roster.settled();
    expect(sent.map(names)).toEqual([['Ana']]);

    roster.changed('Ben');
    await new Promise((resolve) => setImmediate(resolve));
    await db.storage.staff.update('Ana', { name: 'Ana B.' });
    roster.changed('Ana');
    roster.removedStaff('Cy');
    expect(sent).toHaveLength(1);
    await roster.settled();
    expect(sent.slice(1)).toEqual([
      {
        staff: [expect.objectContaining({ name: 'Ben' }), expect.objectContaining({ name: 'Ana B.' })],
        removedStaffIds: ['Cy'],
      },
    ]);

    now += 60_000;
    // A window passed quietly: sent without anyone settling it.
    roster.changed('Ben');
    await vi.waitFor(() => expect(sent.map(names).at(-1)).toEqual(['Ben']));
  });

  it('sends nothing once closed', async () => {
    roster.changed('Ana');
    await roster.settled();
    roster.changed('Ben');
    roster.close();
    await roster.settled();
    expect(sent.map(names)).toEqual([['Ana']]);
  });
});
