import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FreshStorage, freshStorage } from '../../../test-support/databases';
import type { Storage } from '../../src/storage/types';
import { makeDevice, T0 } from './fixtures';

/**
 * Migration 0014 (PostgreSQL): every write to staff, devices and callbacks bumps the table's
 * version in its transaction, whoever makes it; what no cached read acts on does not.
 */
describe('the cached tables’ versions on postgres', () => {
  let db: FreshStorage;
  let s: Storage;
  let sql: pg.Pool;
  beforeEach(async () => {
    db = await freshStorage('postgres');
    s = db.storage;
    sql = new pg.Pool({ connectionString: db.url, max: 1 });
  });
  afterEach(async () => {
    await sql.end();
    await db.dispose();
  });

  const versions = async () => {
    const { rows } = await sql.query<{ name: string; version: string }>(
      'select name, version from table_versions',
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.version]));
  };
  /** Which tables' versions `write` bumped. */
  const bumped = async (write: () => Promise<unknown>) => {
    const before = await versions();
    await write();
    const after = await versions();
    return (['staff', 'devices', 'callbacks'] as const).filter((t) => after[t] !== before[t]);
  };

  it('bumps a table for each write that changes it, in the write’s transaction', async () => {
    expect(
      await bumped(() => s.staff.create({ id: 'st_ana', name: 'Ana', handle: null, createdAt: T0 })),
    ).toEqual(['staff']);
    expect(await bumped(() => s.staff.update('st_ana', { handle: 'ana' }))).toEqual(['staff']);
    const phone = makeDevice('st_ana', { voipToken: 'tok1' });
    expect(await bumped(() => s.devices.create(phone))).toEqual(['devices']);
    expect(await bumped(() => s.devices.setFeatures(phone.id, ['video']))).toEqual(['devices']);
    expect(await bumped(() => s.devices.markTokenInvalid(phone.id, 'tok1', '410', T0))).toEqual(['devices']);
    expect(
      await bumped(() =>
        s.callbacks.missed({ id: 'cb1', staffId: 'st_ana', staffName: 'Ana', callId: 'c1', at: T0 }),
      ),
    ).toEqual(['callbacks']);
    // A write that fails bumps nothing: the version is part of its transaction.
    const before = await versions();
    await expect(sql.query(`begin; update staff set name = 'X'; select 1/0; commit`)).rejects.toThrow();
    await sql.query('rollback');
    expect(await versions()).toEqual(before);
    expect(await bumped(() => s.staff.remove('st_ana'))).toEqual(['staff', 'devices']);
  });

  it('does not bump for a phone seen again, nor for a handshake that changes nothing', async () => {
    await s.staff.create({ id: 'st_ana', name: 'Ana', handle: null, createdAt: T0 });
    const phone = makeDevice('st_ana');
    await s.devices.create(phone);
    await s.devices.setFeatures(phone.id, ['video']);
    expect(await bumped(() => s.devices.touch(phone.id, T0 + 1))).toEqual([]);
    expect(await bumped(() => s.devices.setFeatures(phone.id, ['video']))).toEqual([]);
  });

  it('bumps for a tool writing with another search_path', async () => {
    await s.staff.create({ id: 'st_ana', name: 'Ana', handle: null, createdAt: T0 });
    const schema = (await sql.query('select current_schema() as s')).rows[0].s as string;
    const other = new pg.Client({ connectionString: db.url.replace(/options=[^&]*/, '') });
    await other.connect();
    try {
      expect(
        await bumped(() => other.query(`update "${schema}".staff set name = 'Ana B' where id = 'st_ana'`)),
      ).toEqual(['staff']);
    } finally {
      await other.end();
    }
  });
});
