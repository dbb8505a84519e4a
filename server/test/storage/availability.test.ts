import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import type { Storage } from '../../src/storage/types';
import { T0 } from './fixtures';

const agent = (id: string) => ({ id, name: `Agent ${id}`, passwordHash: `scrypt$${id}`, createdAt: T0 });

describe.each(ENGINES)("agents' availability on %s", (engine) => {
  let db: FreshStorage;
  let s: Storage;
  beforeEach(async () => {
    db = await freshStorage(engine);
    s = db.storage;
  });
  afterEach(async () => {
    await db.dispose();
  });

  it('finds many agents in one read, as find has each; not unknown or disabled ones', async () => {
    for (const id of ['a1', 'a2', 'a3', 'a4']) await s.agents.create(agent(id));
    await s.availability.put({
      agentId: 'a1',
      state: 'away',
      since: T0 + 5,
      until: null,
      callId: null,
      auto: true,
    });
    await s.availability.put({
      agentId: 'a2',
      state: 'afterCall',
      since: T0 + 7,
      until: T0 + 30_007,
      callId: 'c1',
      auto: false,
    });
    await s.agents.update('a4', { disabledAt: T0 + 9 });

    const found = await s.availability.findMany(['a2', 'a1', 'a3', 'a4', 'nobody']);
    const byId = new Map(found.map((r) => [r.agentId, r]));
    expect([...byId.keys()].sort()).toEqual(['a1', 'a2', 'a3']);
    for (const id of ['a1', 'a2', 'a3']) expect(byId.get(id)).toEqual(await s.availability.find(id));
    expect(byId.get('a2')).toMatchObject({
      name: 'Agent a2',
      state: 'afterCall',
      until: T0 + 30_007,
      callId: 'c1',
    });
    expect(await s.availability.findMany([])).toEqual([]);
  });

  it("sets a call's end unless the agent chose Away since it was answered, in one statement", async () => {
    for (const id of ['a1', 'a2', 'a3', 'a4']) await s.agents.create(agent(id));
    const row = (
      agentId: string,
      state: 'away' | 'available' | 'afterCall',
      since: number,
      auto = false,
    ) => ({
      agentId,
      state,
      since,
      until: null,
      callId: null,
      auto,
    });
    const answered = T0 + 100;
    const ended = {
      state: 'afterCall' as const,
      since: T0 + 200,
      until: T0 + 30_200,
      callId: 'c1',
      auto: false,
    };
    // No row yet: written.
    expect(await s.availability.putUnlessChosenAway({ agentId: 'a1', ...ended }, answered)).toBe(true);
    expect(await s.availability.get('a1')).toEqual({ agentId: 'a1', ...ended });
    // Away chosen during the call (at the answer or after): kept.
    await s.availability.put(row('a2', 'away', answered));
    expect(await s.availability.putUnlessChosenAway({ agentId: 'a2', ...ended }, answered)).toBe(false);
    expect(await s.availability.get('a2')).toEqual(row('a2', 'away', answered));
    // Away chosen before the call, or the server's Away during it: the call's end wins.
    await s.availability.put(row('a3', 'away', answered - 1));
    await s.availability.put(row('a4', 'away', answered + 50, true));
    for (const id of ['a3', 'a4']) {
      expect(await s.availability.putUnlessChosenAway({ agentId: id, ...ended }, answered)).toBe(true);
      expect(await s.availability.get(id)).toEqual({ agentId: id, ...ended });
    }
  });

  it("sets a call's end to after-call work, or Available once its wrap-up has a disposition, in one statement", async () => {
    for (const id of ['a1', 'a2', 'a3', 'a4']) await s.agents.create(agent(id));
    const answered = T0 + 100;
    const end = (agentId: string, callId: string) => ({
      agentId,
      since: T0 + 200,
      until: T0 + 30_200,
      callId,
    });
    const wrapUp = (dispositionId: string | null) => ({
      note: 'called back',
      dispositionId,
      dispositionName: dispositionId && 'Resolved',
      agentId: 'a1',
      updatedAt: T0 + 150,
    });
    // No wrap-up, or one with a note only: after-call work for this call.
    await s.wrapUps.save('c2', wrapUp(null));
    for (const [id, callId] of [
      ['a1', 'c1'],
      ['a2', 'c2'],
    ] as const) {
      expect(await s.availability.putAfterCall(end(id, callId), answered)).toBe('afterCall');
      expect(await s.availability.get(id)).toEqual({ ...end(id, callId), state: 'afterCall', auto: false });
    }
    // Its disposition chosen during the call: Available, over the row the agent had.
    await s.wrapUps.save('c3', wrapUp('d1'));
    await s.availability.put({
      agentId: 'a3',
      state: 'afterCall',
      since: T0,
      until: T0 + 9,
      callId: 'c0',
      auto: false,
    });
    expect(await s.availability.putAfterCall(end('a3', 'c3'), answered)).toBe('available');
    expect(await s.availability.get('a3')).toEqual({
      agentId: 'a3',
      state: 'available',
      since: T0 + 200,
      until: null,
      callId: null,
      auto: false,
    });
    // Away chosen during the call: kept.
    const away = {
      agentId: 'a4',
      state: 'away' as const,
      since: answered,
      until: null,
      callId: null,
      auto: false,
    };
    await s.availability.put(away);
    expect(await s.availability.putAfterCall(end('a4', 'c1'), answered)).toBe(null);
    expect(await s.availability.get('a4')).toEqual(away);
  });
});
