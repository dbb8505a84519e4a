import pg from 'pg';

/**
 * The queries this process sent to PostgreSQL while `during` ran: every cluster node of a test
 * runs in the test's process, so this is all of theirs.
 */
export async function sentToPostgres(during: () => Promise<void>): Promise<string[]> {
  const sent: string[] = [];
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0] as string | { text?: string };
    sent.push(typeof first === 'string' ? first : String(first?.text));
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;
  try {
    await during();
  } finally {
    pg.Client.prototype.query = query;
  }
  return sent;
}
