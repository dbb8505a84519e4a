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
});
