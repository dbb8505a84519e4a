import type { CallbackStore, Storage } from './types';

/** Reads: they change nothing, and go to the database as before. */
const READS: readonly string[] = ['open', 'all', 'get'];
/** Writes that leave open callbacks where they were (who claimed one, its attempts). */
const KEEP_OPEN: readonly string[] = ['claim', 'release', 'attempted'];

/**
 * A single server's knowledge of which staff members have an open callback (at most one each).
 * Every answered call asks `answered` to close the staff member's open callback, and almost
 * always there is none: a statement per setup (bench/README.md) to find nothing. On a single
 * server this process is the only writer of callbacks, so once the open ones are read, its own
 * writes keep the set exact, and `answered` for a staff member without one needs no statement.
 *
 * Distrust, as in own-rows.ts: a method not named here counts as one that may change anything,
 * and the set is forgotten (read again when next needed); so is it when writes overlap (their
 * order in the database is not known here), and while any write runs, `answered` asks the
 * database. Never for a cluster node: other nodes write callbacks.
 */
export function keepOpenCallbacks(storage: Storage): void {
  const store = storage.callbacks;
  /** Staff members with an open callback; null: not known. */
  let open: Set<string> | null = null;
  let writing = 0;
  let generation = 0;

  const write = async <T>(run: () => Promise<T>, after: (result: T) => void): Promise<T> => {
    const mine = ++generation;
    writing++;
    try {
      const result = await run();
      if (generation !== mine) open = null;
      else if (open) after(result);
      return result;
    } catch (error) {
      open = null;
      throw error;
    } finally {
      writing--;
    }
  };

  /** Whether the staff member has an open callback, when that is known without asking. */
  const knownNone = async (staffId: string): Promise<boolean> => {
    if (writing > 0) return false;
    if (!open) {
      const seen = generation;
      const rows = await store.open();
      if (seen !== generation || writing > 0) return false;
      open = new Set(rows.map((c) => c.staffId));
    }
    return !open.has(staffId);
  };

  const out: Record<string, unknown> = {};
  for (const [method, value] of Object.entries(store)) {
    if (typeof value !== 'function') {
      out[method] = value;
      continue;
    }
    const call = value.bind(store) as (...a: unknown[]) => Promise<unknown>;
    if (READS.includes(method)) out[method] = call;
    else if (KEEP_OPEN.includes(method))
      out[method] = (...a: unknown[]) =>
        write(
          () => call(...a),
          () => undefined,
        );
    else
      out[method] = (...a: unknown[]) =>
        write(
          () => call(...a),
          () => (open = null),
        );
  }
  const kept = out as unknown as CallbackStore;
  // An unanswered call queues a callback, or counts on the open one: either way one is open.
  kept.missed = (c) =>
    write(
      () => store.missed(c),
      () => open?.add(c.staffId),
    );
  // One closed: the staff member has none open any more (one at most).
  kept.close = (id, c) =>
    write(
      () => store.close(id, c),
      (closed) => closed && open?.delete(closed.staffId),
    );
  kept.answered = async (staffId, ...rest) => {
    if (await knownNone(staffId)) return null;
    return write(
      () => store.answered(staffId, ...rest),
      (closed) => closed && open?.delete(closed.staffId),
    );
  };
  storage.callbacks = kept;
}
