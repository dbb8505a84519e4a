import { createClient } from 'redis';
import type { Logger } from '../logger';

const make = (url: string) => createClient({ url });
export type Redis = ReturnType<typeof make>;

/** A connected node-redis client; errors are logged (the client reconnects by itself). */
export async function connectRedis(url: string, logger: Logger, role: string): Promise<Redis> {
  const client = make(url);
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
