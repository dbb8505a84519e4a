import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import { openStorage } from '../../src/storage';
import { type AgentRow, type Storage, StorageConflictError } from '../../src/storage/types';
import { makeDevice, T0, typesOf } from './fixtures';

describe.each(ENGINES)('identities on %s', (engine) => {
  let db: FreshStorage;
  let s: Storage;
  beforeEach(async () => {
    db = await freshStorage(engine);
    s = db.storage;
  });
  afterEach(async () => {
    await db.dispose();
  });

  // Roles given: the defaults (first agent admin) and the last-admin rule have their own tests (team.test.ts).
  const person = { disabledAt: null, temporaryPassword: false };
  const alice: AgentRow = {
    id: 'agt_alice',
    name: 'Alice',
    passwordHash: 'scrypt$alice',
    createdAt: T0,
    role: 'agent',
    ...person,
  };
  const bob: AgentRow = {
    id: 'agt_bob',
    name: 'bob',
    passwordHash: 'scrypt$bob',
    createdAt: T0 + 1,
    role: 'admin',
    ...person,
  };

  describe('agents', () => {
    it('creates, finds by name (any case) and by id, and lists', async () => {
      await s.agents.create(alice);
      await s.agents.create(bob);
      expect(await s.agents.findByName('Alice')).toEqual(alice);
      expect(await s.agents.findByName('ALICE')).toEqual(alice);
      expect(await s.agents.findByName('BoB')).toEqual(bob);
      expect(await s.agents.findByName('carol')).toBeNull();
      expect(await s.agents.findById('agt_bob')).toEqual(bob);
      expect(await s.agents.findById('agt_nobody')).toBeNull();
      expect(await s.agents.list()).toEqual([alice, bob]);
      expect(typesOf((await s.agents.findById(alice.id))!, ['createdAt'])).toEqual({ createdAt: 'number' });
    });

    it('refuses a name taken in another case, and a taken id', async () => {
      await s.agents.create(alice);
      const dupName = s.agents.create({ ...alice, id: 'agt_other', name: 'aLiCe' });
      await expect(dupName).rejects.toBeInstanceOf(StorageConflictError);
      await expect(dupName).rejects.toThrow(/named "aLiCe" already exists/);
      await expect(s.agents.create({ ...alice, name: 'Alice 2' })).rejects.toThrow(
        /id agt_alice already exists/,
      );
      expect(await s.agents.list()).toEqual([alice]);
    });

    it('removes an agent with its sessions', async () => {
      await s.agents.create(alice);
      await s.agents.create(bob);
      await s.sessions.create({ tokenHash: 'h1', agentId: alice.id, createdAt: T0, expiresAt: T0 + 1000 });
      await s.sessions.create({ tokenHash: 'h2', agentId: alice.id, createdAt: T0, expiresAt: T0 + 1000 });
      await s.sessions.create({ tokenHash: 'h3', agentId: bob.id, createdAt: T0, expiresAt: T0 + 1000 });
      expect(await s.agents.remove(alice.id)).toBe(true);
      expect(await s.agents.findById(alice.id)).toBeNull();
      expect(await s.sessions.find('h1')).toBeNull();
      expect(await s.sessions.find('h2')).toBeNull();
      expect(await s.sessions.find('h3')).not.toBeNull();
      expect(await s.agents.remove(alice.id)).toBe(false);
      // The name is free again.
      await s.agents.create({ ...alice, id: 'agt_alice2' });
    });
  });

  describe('sessions', () => {
    it('creates, finds, removes and expires', async () => {
      await s.agents.create(alice);
      const row = { tokenHash: 'tok1', agentId: alice.id, createdAt: T0, expiresAt: T0 + 43_200_000 };
      await s.sessions.create(row);
      expect(await s.sessions.find('tok1')).toEqual(row);
      expect(typesOf((await s.sessions.find('tok1'))!, ['createdAt', 'expiresAt'])).toEqual({
        createdAt: 'number',
        expiresAt: 'number',
      });
      expect(await s.sessions.find('nope')).toBeNull();
      await s.sessions.remove('tok1');
      expect(await s.sessions.find('tok1')).toBeNull();
      await s.sessions.remove('tok1');

      await s.sessions.create({ tokenHash: 'a', agentId: alice.id, createdAt: T0, expiresAt: T0 + 10 });
      await s.sessions.create({ tokenHash: 'b', agentId: alice.id, createdAt: T0, expiresAt: T0 + 20 });
      await s.sessions.create({ tokenHash: 'c', agentId: alice.id, createdAt: T0, expiresAt: T0 + 30 });
      expect(await s.sessions.removeExpired(T0 + 5)).toBe(0);
      // A session whose expiresAt is now is expired (the API refuses expiresAt <= now).
      expect(await s.sessions.removeExpired(T0 + 20)).toBe(2);
      expect(await s.sessions.find('a')).toBeNull();
      expect(await s.sessions.find('b')).toBeNull();
      expect(await s.sessions.find('c')).not.toBeNull();
    });

    it('refuses a session for an agent that does not exist, and a duplicate token', async () => {
      await expect(
        s.sessions.create({ tokenHash: 'x', agentId: 'agt_ghost', createdAt: T0, expiresAt: T0 + 1 }),
      ).rejects.toBeInstanceOf(StorageConflictError);
      await s.agents.create(alice);
      await s.sessions.create({ tokenHash: 'x', agentId: alice.id, createdAt: T0, expiresAt: T0 + 1 });
      await expect(
        s.sessions.create({ tokenHash: 'x', agentId: alice.id, createdAt: T0, expiresAt: T0 + 2 }),
      ).rejects.toBeInstanceOf(StorageConflictError);
    });
  });

  describe('staff', () => {
    it('creates, gets, lists and updates', async () => {
      const ana = {
        id: 'stf_ana',
        name: 'Ana',
        handle: '+15551234567',
        createdAt: T0,
        fallbackStaffId: null,
      };
      const ben = { id: 'stf_ben', name: 'Ben', handle: null, createdAt: T0 + 5, fallbackStaffId: null };
      await s.staff.create(ana);
      await s.staff.create(ben);
      expect(await s.staff.get('stf_ana')).toEqual(ana);
      expect(await s.staff.get('stf_nobody')).toBeNull();
      expect(await s.staff.list()).toEqual([ana, ben]);
      const many = await s.staff.getMany(['stf_ben', 'stf_nobody', 'stf_ana']);
      expect(many.sort((a, b) => a.id.localeCompare(b.id))).toEqual([ana, ben]);
      expect(await s.staff.getMany([])).toEqual([]);
      await expect(s.staff.create(ana)).rejects.toBeInstanceOf(StorageConflictError);

      expect(await s.staff.update('stf_ana', { name: 'Ana María' })).toEqual({ ...ana, name: 'Ana María' });
      expect(await s.staff.update('stf_ana', { handle: null })).toEqual({
        ...ana,
        name: 'Ana María',
        handle: null,
      });
      expect(await s.staff.update('stf_ben', { name: 'Benjamin', handle: '+4930123456' })).toEqual({
        ...ben,
        name: 'Benjamin',
        handle: '+4930123456',
      });
      expect(await s.staff.update('stf_ben', {})).toEqual({
        ...ben,
        name: 'Benjamin',
        handle: '+4930123456',
      });
      expect(await s.staff.update('stf_nobody', { name: 'X' })).toBeNull();
      expect(await s.staff.update('stf_nobody', {})).toBeNull();
      expect(typesOf((await s.staff.get('stf_ben'))!, ['createdAt'])).toEqual({ createdAt: 'number' });
      // A fallback (issue 25 item 7) must be a staff member; removing that one leaves nobody.
      expect(await s.staff.update('stf_ana', { fallbackStaffId: 'stf_ben' })).toMatchObject({
        fallbackStaffId: 'stf_ben',
      });
      await expect(s.staff.update('stf_ana', { fallbackStaffId: 'stf_gone' })).rejects.toBeInstanceOf(
        StorageConflictError,
      );
      await s.staff.remove('stf_ben');
      expect((await s.staff.get('stf_ana'))?.fallbackStaffId).toBeNull();
    });

    it('removes a staff member with their devices and pairing codes, and nobody else', async () => {
      await s.staff.create({ id: 'stf_ana', name: 'Ana', handle: null, createdAt: T0 });
      await s.staff.create({ id: 'stf_ben', name: 'Ben', handle: null, createdAt: T0 });
      const anaPhone = makeDevice('stf_ana');
      const benPhone = makeDevice('stf_ben');
      await s.devices.create(anaPhone);
      await s.devices.create(benPhone);
      const code = { staffId: 'stf_ana', createdBy: 'agt_alice', createdAt: T0, expiresAt: T0 + 600_000 };
      await s.pairing.create({ ...code, codeHash: 'unused' });
      await s.pairing.create({ ...code, codeHash: 'used' });
      await s.pairing.create({ ...code, codeHash: 'ben', staffId: 'stf_ben' });
      expect(await s.pairing.consume('used', T0 + 1)).not.toBeNull();

      expect(await s.staff.remove('stf_ana')).toBe(true);
      expect(await s.staff.get('stf_ana')).toBeNull();
      expect(await s.devices.get(anaPhone.id)).toBeNull();
      expect(await s.devices.listByStaff('stf_ana')).toEqual([]);
      expect(await s.devices.list()).toEqual([benPhone]);
      // The same id again does not bring the old code back.
      await s.staff.create({ id: 'stf_ana', name: 'Ana', handle: null, createdAt: T0 + 2 });
      expect(await s.pairing.consume('unused', T0 + 3)).toBeNull();
      expect(await s.pairing.consume('ben', T0 + 3)).not.toBeNull();
      expect(await s.staff.remove('stf_nobody')).toBe(false);
    });
  });

  describe('devices', () => {
    beforeEach(async () => {
      await s.staff.create({ id: 'stf_ana', name: 'Ana', handle: null, createdAt: T0 });
      await s.staff.create({ id: 'stf_ben', name: 'Ben', handle: null, createdAt: T0 });
    });

    it('creates, gets and lists, every field intact', async () => {
      const phone = makeDevice('stf_ana', { id: 'dev_phone', pairedAt: T0 + 2 });
      const pad = makeDevice('stf_ana', {
        id: 'dev_pad',
        name: 'iPad',
        apnsEnvironment: 'production',
        voipToken: 'a'.repeat(64),
        tokenUpdatedAt: T0 + 3,
        tokenInvalidAt: T0 + 4,
        tokenInvalidReason: '410 Unregistered',
        pairedAt: T0 + 1,
        lastSeenAt: T0 + 5,
      });
      const bens = makeDevice('stf_ben', { id: 'dev_ben', pairedAt: T0 + 3 });
      await s.devices.create(phone);
      await s.devices.create(pad);
      await s.devices.create(bens);
      expect(await s.devices.get('dev_pad')).toEqual(pad);
      expect(await s.devices.get('dev_phone')).toEqual(phone);
      expect(await s.devices.get('dev_nothing')).toBeNull();
      expect(await s.devices.list()).toEqual([pad, phone, bens]);
      expect(await s.devices.listByStaff('stf_ana')).toEqual([pad, phone]);
      expect(await s.devices.listByStaff('stf_nobody')).toEqual([]);
      expect(await s.devices.listByStaffIds(['stf_ben', 'stf_ana', 'stf_nobody'])).toEqual([
        pad,
        phone,
        bens,
      ]);
      expect(await s.devices.listByStaffIds(['stf_ben'])).toEqual([bens]);
      expect(await s.devices.listByStaffIds([])).toEqual([]);
      const keys = ['tokenUpdatedAt', 'tokenInvalidAt', 'pairedAt', 'lastSeenAt'] as const;
      expect(typesOf((await s.devices.get('dev_pad'))!, [...keys])).toEqual({
        tokenUpdatedAt: 'number',
        tokenInvalidAt: 'number',
        pairedAt: 'number',
        lastSeenAt: 'number',
      });
    });

    it('refuses a device of an unknown staff member, and a taken id', async () => {
      await expect(s.devices.create(makeDevice('stf_ghost'))).rejects.toThrow(StorageConflictError);
      const d = makeDevice('stf_ana');
      await s.devices.create(d);
      await expect(s.devices.create({ ...d, staffId: 'stf_ben' })).rejects.toThrow(StorageConflictError);
    });

    it('updates the token, clearing an earlier invalid mark', async () => {
      const d = makeDevice('stf_ana', {
        voipToken: 'old',
        tokenUpdatedAt: T0,
        tokenInvalidAt: T0 + 1,
        tokenInvalidReason: '410 Unregistered',
      });
      await s.devices.create(d);
      const update = {
        voipToken: 'old',
        apnsEnvironment: 'production' as const,
        appVersion: '1.1.0',
        osVersion: '18.2',
        at: T0 + 10,
      };
      const expected = {
        ...d,
        voipToken: 'old',
        apnsEnvironment: 'production',
        appVersion: '1.1.0',
        osVersion: '18.2',
        tokenUpdatedAt: T0 + 10,
        tokenInvalidAt: null,
        tokenInvalidReason: null,
      };
      expect(await s.devices.updateToken(d.id, update)).toEqual({ device: expected, moved: [] });
      expect(await s.devices.get(d.id)).toEqual(expected);
      expect(await s.devices.updateToken('dev_nothing', update)).toBeNull();
    });

    it('moves a token another record holds: that record loses it and names the one that took it', async () => {
      const token = 'b'.repeat(64);
      const old = makeDevice('stf_ana', { id: 'dev_old', voipToken: token, tokenUpdatedAt: T0 });
      const other = makeDevice('stf_ben', { id: 'dev_other', voipToken: 'c'.repeat(64), tokenUpdatedAt: T0 });
      const repaired = makeDevice('stf_ben', { id: 'dev_new', name: 'Ben’s iPhone', pairedAt: T0 + 1 });
      for (const d of [old, other, repaired]) await s.devices.create(d);
      const update = {
        voipToken: token,
        apnsEnvironment: 'sandbox' as const,
        appVersion: '1.0.0',
        osVersion: '18.1',
        at: T0 + 10,
      };
      const lost = {
        ...old,
        voipToken: null,
        tokenUpdatedAt: T0 + 10,
        tokenMovedTo: { deviceId: 'dev_new', name: 'Ben’s iPhone' },
      };
      const result = await s.devices.updateToken('dev_new', update);
      expect(result?.device).toMatchObject({ id: 'dev_new', voipToken: token, tokenMovedTo: null });
      expect(result?.moved).toEqual([lost]);
      expect(await s.devices.get('dev_old')).toEqual(lost);
      expect(await s.devices.get('dev_other')).toEqual(other);
      // The same token again moves nothing; a new token for the old record clears its note.
      expect((await s.devices.updateToken('dev_new', update))?.moved).toEqual([]);
      const fresh = await s.devices.updateToken('dev_old', { ...update, voipToken: 'd'.repeat(64) });
      expect(fresh?.device.tokenMovedTo).toBeNull();
    });

    it('keeps the microphone permission the phone reported', async () => {
      const d = makeDevice('stf_ana');
      await s.devices.create(d);
      expect(await s.devices.setMicrophone(d.id, 'denied')).toEqual({ ...d, microphone: 'denied' });
      expect((await s.devices.get(d.id))?.microphone).toBe('denied');
      expect((await s.devices.setMicrophone(d.id, 'granted'))?.microphone).toBe('granted');
      expect(await s.devices.setMicrophone('dev_nothing', 'granted')).toBeNull();
    });

    it('marks a token invalid only while it is still the stored one', async () => {
      const d = makeDevice('stf_ana', { voipToken: 'tok-A', tokenUpdatedAt: T0 });
      await s.devices.create(d);
      // A fresh token arrived while the push with tok-OLD was in flight: keep the fresh one.
      expect(await s.devices.markTokenInvalid(d.id, 'tok-OLD', '410 Unregistered', T0 + 1)).toBeNull();
      expect(await s.devices.get(d.id)).toEqual(d);

      const marked = await s.devices.markTokenInvalid(d.id, 'tok-A', '400 BadDeviceToken', T0 + 2);
      expect(marked).toEqual({ ...d, tokenInvalidAt: T0 + 2, tokenInvalidReason: '400 BadDeviceToken' });
      expect(await s.devices.get(d.id)).toEqual(marked);
      // Already marked: nothing changes, so no row.
      expect(await s.devices.markTokenInvalid(d.id, 'tok-A', '410 Unregistered', T0 + 3)).toBeNull();
      expect(await s.devices.get(d.id)).toEqual(marked);
      expect(await s.devices.markTokenInvalid('dev_nothing', 'tok-A', 'x', T0)).toBeNull();

      // The same token registered again clears the mark; it can then be marked again.
      const again = {
        voipToken: 'tok-A',
        apnsEnvironment: 'sandbox' as const,
        appVersion: '1',
        osVersion: '18',
        at: T0 + 4,
      };
      expect((await s.devices.updateToken(d.id, again))?.device.tokenInvalidAt).toBeNull();
      expect(
        (await s.devices.markTokenInvalid(d.id, 'tok-A', '410 Unregistered', T0 + 5))?.tokenInvalidAt,
      ).toBe(T0 + 5);
    });

    it('never marks a token that has no token at all', async () => {
      const d = makeDevice('stf_ana');
      await s.devices.create(d);
      expect(await s.devices.markTokenInvalid(d.id, '', 'x', T0)).toBeNull();
    });

    it('touches and removes', async () => {
      const d = makeDevice('stf_ana');
      await s.devices.create(d);
      await s.devices.touch(d.id, T0 + 99);
      expect((await s.devices.get(d.id))?.lastSeenAt).toBe(T0 + 99);
      await s.devices.touch('dev_nothing', T0);
      expect(await s.devices.remove(d.id)).toBe(true);
      expect(await s.devices.get(d.id)).toBeNull();
      expect(await s.devices.remove(d.id)).toBe(false);
      expect(await s.staff.get('stf_ana')).not.toBeNull();
    });
  });

  describe('pairing', () => {
    const row = {
      codeHash: 'code-hash-1',
      staffId: 'stf_ana',
      createdBy: 'agt_alice',
      createdAt: T0,
      expiresAt: T0 + 600_000,
    };
    beforeEach(async () => {
      await s.staff.create({ id: 'stf_ana', name: 'Ana', handle: null, createdAt: T0 });
    });

    it('redeems a code once', async () => {
      await s.pairing.create(row);
      const used = await s.pairing.consume(row.codeHash, T0 + 1000);
      expect(used).toEqual(row);
      expect(typesOf(used!, ['createdAt', 'expiresAt'])).toEqual({
        createdAt: 'number',
        expiresAt: 'number',
      });
      expect(await s.pairing.consume(row.codeHash, T0 + 2000)).toBeNull();
      expect(await s.pairing.consume('unknown', T0 + 1000)).toBeNull();
    });

    it('does not redeem an expired code (expiresAt itself is too late)', async () => {
      await s.pairing.create(row);
      expect(await s.pairing.consume(row.codeHash, row.expiresAt)).toBeNull();
      expect(await s.pairing.consume(row.codeHash, row.expiresAt + 1)).toBeNull();
      expect(await s.pairing.consume(row.codeHash, row.expiresAt - 1)).toEqual(row);
    });

    it('refuses a code for an unknown staff member, and a duplicate code', async () => {
      await expect(s.pairing.create({ ...row, staffId: 'stf_ghost' })).rejects.toThrow(StorageConflictError);
      await s.pairing.create(row);
      await expect(s.pairing.create(row)).rejects.toThrow(StorageConflictError);
    });

    it('lets exactly one of many concurrent redemptions win', async () => {
      await s.pairing.create(row);
      const results = await Promise.all(
        Array.from({ length: 12 }, () => s.pairing.consume(row.codeHash, T0 + 1)),
      );
      expect(results.filter((r) => r !== null)).toEqual([row]);
    });

    it('lets exactly one win across separate connections', async () => {
      const others = await Promise.all([openStorage(db.url), openStorage(db.url), openStorage(db.url)]);
      try {
        for (let i = 0; i < 5; i++) {
          const codeHash = `race-${i}`;
          await s.pairing.create({ ...row, codeHash });
          const results = await Promise.all(
            [s, ...others, ...others].map((st) => st.pairing.consume(codeHash, T0 + 1)),
          );
          expect(results.filter((r) => r !== null)).toHaveLength(1);
        }
      } finally {
        await Promise.all(others.map((o) => o.close()));
      }
    });
  });
});
