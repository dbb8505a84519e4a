import { createClient } from 'redis';
import type { Logger } from '../ops/logger';

/**
 * Reconnects at most half a second apart (node-redis waits up to 2 s by default): a node that is
 * slow to come back after a Redis restart misses the others' heartbeats and its phones look
 * offline to them. Duplicates (the Socket.IO adapter's stream reader) inherit it.
 */
const reconnectStrategy = (retries: number) =>
  Math.min(50 * 2 ** retries, 500) + Math.floor(Math.random() * 50);
const make = (url: string, commandOptions?: { timeout: number }) =>
  createClient({ url, socket: { reconnectStrategy }, ...(commandOptions ? { commandOptions } : {}) });
export type Redis = ReturnType<typeof make>;

/** A connected node-redis client; errors are logged (the client reconnects by itself). */
export async function connectRedis(
  url: string,
  logger: Logger,
  role: string,
  /** `{ timeout: 0 }`: commands without node-redis's own timeout (5 s by default). */
  commandOptions?: { timeout: number },
): Promise<Redis> {
  const client = make(url, commandOptions);
  let last = '';
  client.on('error', (err: Error) => {
    // A Redis that is down repeats the same error on every reconnect attempt: log each kind once.
    if (err.message !== last) logger.error({ err, role }, 'redis connection error');
    last = err.message;
  });
  client.on('ready', () => {
    if (last) logger.warn({ role }, 'redis connection back');
    last = '';
  });
  await client.connect();
  return client;
}
