import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FreshStorage, freshStorage } from '../../test-support/databases';
import { SharedRows, type TableVersions } from '../src/cluster/shared-rows';
import { T0 } from './storage/fixtures';

const at = (staff: string): TableVersions => ({ staff, devices: '0', callbacks: '0' });

/**
 * SharedRows answers a task from memory only at the version its lock read: the versions are given
 * here by hand, so that the database's rows can differ from what is kept.
 */
describe('a cluster node’s kept rows, by version', () => {
  let db: FreshStorage;
  beforeEach(async () => {
    db = await freshStorage('postgres');
    await db.storage.staff.create({ id: 'st_ana', name: 'Ana', handle: null, createdAt: T0 });
  });
  afterEach(async () => {
    await db.dispose();
  });

  it('keeps rows for the version they were read at, reads again for a newer one, and never keeps for an older one', async () => {
    const rows = new SharedRows(db.storage);
    expect((await rows.at(at('5')).staff.get('st_ana'))?.name).toBe('Ana');
    await db.storage.staff.update('st_ana', { name: 'Ana B' });
    // The same version: from memory (the database has moved on, as a task's lock did not see).
    expect((await rows.at(at('5')).staff.get('st_ana'))?.name).toBe('Ana');
    expect((await rows.at(at('6')).staff.get('st_ana'))?.name).toBe('Ana B');
    await db.storage.staff.update('st_ana', { name: 'Ana C' });
    // A task whose lock read an older version than the kept rows' reads the database...
    expect((await rows.at(at('5')).staff.get('st_ana'))?.name).toBe('Ana C');
    // ...and keeps nothing: the version 6's rows stay.
    expect((await rows.at(at('6')).staff.get('st_ana'))?.name).toBe('Ana B');
  });
});
