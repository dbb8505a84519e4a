/**
 * Group commit: writes that arrive while one is in flight go together in the next one. Each
 * statement on PostgreSQL is a round trip (a system call to send, a wait, a reply to parse), the
 * largest cost of a call setup (bench/README.md), and with many calls going on their writes
 * overlap. At rest a write goes at once: there is no timer and no added latency, only a write
 * that finds another under way waits for it to end, then goes with every other that waited.
 *
 * Each caller is resolved when the statement holding its item has completed (its row is durable,
 * so "persist → ack" holds). A batch that fails is written again item by item, in order, so that
 * a row the database refuses fails its own caller only, never the other calls' changes that
 * happened to share its statement; a database that is down fails each of them, as before.
 * `write` gets at most `max` items, in the order they came.
 */
export function groupCommit<T>(
  write: (items: T[]) => Promise<void>,
  max: number,
): (item: T) => Promise<void> {
  type Waiting = { item: T; resolve: () => void; reject: (e: unknown) => void };
  let waiting: Waiting[] = [];
  let busy = false;

  const flush = async () => {
    busy = true;
    while (waiting.length > 0) {
      const batch = waiting.length <= max ? waiting : waiting.slice(0, max);
      waiting = batch === waiting ? [] : waiting.slice(max);
      try {
        await write(batch.map((w) => w.item));
        for (const w of batch) w.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else for (const w of batch) await write([w.item]).then(w.resolve, w.reject);
      }
    }
    busy = false;
  };

  return (item) =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!busy) void flush();
    });
}
