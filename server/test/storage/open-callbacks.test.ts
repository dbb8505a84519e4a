import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES, type FreshStorage, freshStorage } from '../../../test-support/databases';
import { keepOpenCallbacks } from '../../src/storage/open-callbacks';
import type { Storage } from '../../src/storage/types';
import { T0 } from './fixtures';

/**
 * A single server knows which staff members have an open callback (open-callbacks.ts): an
 * answered call asks to close one, and without one open that costs no statement.
 */
describe.each(ENGINES)('open callbacks kept by a single server on %s', (engine) => {
  let fresh: FreshStorage;
  let s: Storage;
  /** Statements of the store underneath, by method. */
  let asked: string[];
  /** While set, a close hands back its result only once `hold` resolves, telling `done` first. */
  let hold: { hold: Promise<void>; done: () => void } | null;
  beforeEach(async () => {
    fresh = await freshStorage(engine);
    s = fresh.storage;
    asked = [];
    hold = null;
    const { open, answered, close } = s.callbacks;
    s.callbacks = {
      ...s.callbacks,
      open: () => {
        asked.push('open');
        return open();
      },
      answered: (...a) => {
        asked.push('answered');
        return answered(...a);
      },
      close: async (...a) => {
        const closed = await close(...a);
        hold?.done();
        await hold?.hold;
        return closed;
      },
    };
    keepOpenCallbacks(s);
  });
  afterEach(async () => {
    await fresh.dispose();
  });

  let calls = 0;
  const missed = (staffId: string) =>
    s.callbacks.missed({ id: `cb-${++calls}`, staffId, staffName: staffId, callId: `call-${calls}`, at: T0 });
  const answered = (staffId: string) =>
    s.callbacks.answered(staffId, 'agent-1', T0 + 1, 'got through', false);
  const isOpen = async (staffId: string) => (await s.callbacks.open()).some((c) => c.staffId === staffId);

  it('closes none without a statement for staff members with none open, once the open ones are read', async () => {
    await missed('ana');
    expect(await answered('ben')).toBe(null);
    expect(await answered('cat')).toBe(null);
    expect(asked).toEqual(['open']);
    expect((await answered('ana'))?.state).toBe('closed');
    expect(await answered('ana')).toBe(null);
    expect(asked).toEqual(['open', 'answered']);
  });

  it('follows every write: queued, claimed, released, attempted, closed by hand', async () => {
    const first = (await missed('ana'))!;
    await answered('nobody');
    await s.callbacks.claim(first.id, { id: 'agent-2', name: 'Bo' }, T0 + 2);
    await s.callbacks.attempted(first.id, 'agent-2', T0 + 3);
    await s.callbacks.release(first.id, 'agent-2');
    expect((await s.callbacks.close(first.id, { by: 'agent-2', reason: 'done', at: T0 + 4 }))?.state).toBe(
      'closed',
    );
    expect(await answered('ana')).toBe(null);
    await missed('ana');
    expect((await answered('ana'))?.state).toBe('closed');
    expect(asked).toEqual(['open', 'answered']);
  });

  it('asks the database again after writes that overlapped, and answers as it does', async () => {
    const first = (await missed('ana'))!;
    await answered('nobody');
    let release = () => {};
    let doneThere = () => {};
    const closedThere = new Promise<void>((r) => {
      doneThere = r;
    });
    hold = {
      hold: new Promise((r) => {
        release = r;
      }),
      done: doneThere,
    };
    // The close is done in the database, then a new unanswered call queues another callback, and
    // only then does the close come back: done last here, it was not last there.
    const closing = s.callbacks.close(first.id, { by: 'agent-1', reason: 'done', at: T0 + 2 });
    await closedThere;
    expect(await isOpen('ana')).toBe(false);
    await missed('ana');
    release();
    await closing;
    expect(await isOpen('ana')).toBe(true);
    expect((await answered('ana'))?.state).toBe('closed');
  });
});
