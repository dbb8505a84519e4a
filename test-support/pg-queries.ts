import pg from 'pg';

/** A query as a pg client sent it: its text, and the values bound to it (none for the simple protocol). */
export interface SentQuery {
  text: string;
  values: unknown[];
}

/**
 * The queries this process sent to PostgreSQL while `during` ran, with their values: every
 * cluster node of a test runs in the test's process, so this is all of theirs.
 */
export async function queriesToPostgres(during: () => Promise<unknown>): Promise<SentQuery[]> {
  const sent: SentQuery[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first, second] = args as [string | { text?: string; values?: unknown[] }, unknown];
    if (typeof first === 'string') sent.push({ text: first, values: Array.isArray(second) ? second : [] });
    else sent.push({ text: String(first?.text), values: first?.values ?? [] });
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await during();
  } finally {
    pg.Client.prototype.query = query;
  }
  return sent;
}

/** The text of each query this process sent to PostgreSQL while `during` ran (`queriesToPostgres`). */
export async function sentToPostgres(during: () => Promise<unknown>): Promise<string[]> {
  return (await queriesToPostgres(during)).map((q) => q.text);
}
