import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type RedisForTests, startRedis } from '../../test-support/redis';
import { ClusterPresence, type PresenceEntry } from '../src/cluster/presence';
import { connectRedis, type Redis } from '../src/cluster/redis';

const logger = pino({ level: 'silent' });
const TTL_MS = 600;

/** Two nodes' presence on one Redis, each on clients of its own, as separate processes would be. */
async function twoNodes(redis: RedisForTests) {
  const clients: Redis[] = [];
  const lost: { node: string; entries: PresenceEntry[] }[] = [];
  const node = async (nodeId: string) => {
    const commands = await connectRedis(redis.url, logger, 'commands');
    const sub = await connectRedis(redis.url, logger, 'subscriber');
    clients.push(commands, sub);
    const presence = new ClusterPresence({
      redis: commands,
      sub,
      prefix: 'presence-test',
      nodeId,
      ttlMs: TTL_MS,
      logger,
      onNodeLost: (n, entries) => lost.push({ node: n, entries }),
    });
    await presence.start();
    return presence;
  };
  const a = await node('a');
  const b = await node('b');
  // b's command client: the test silences node b by disconnecting it (its heartbeats then fail).
  const bCommands = clients[2]!;
  return {
    a,
    b,
    bCommands,
    lost,
    async close() {
      await a.stop();
      await b.stop();
      for (const c of clients) await c.quit().catch(() => undefined);
    },
  };
}

/** Resolves once `check` holds; every turn in between runs `each` (a watch over the whole wait). */
async function until(what: string, check: () => boolean, each: () => void = () => undefined) {
  const start = Date.now();
  while (!check()) {
    each();
    if (Date.now() - start > 8000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('presence across nodes when Redis restarts', () => {
  let redis: RedisForTests;
  let nodes: Awaited<ReturnType<typeof twoNodes>> | null = null;
  afterEach(async () => {
    await nodes?.close();
    await redis.stop();
  });

  it("never reports the other node's phone offline, during the gap or after Redis is back", async () => {
    redis = await startRedis();
    nodes = await twoNodes(redis);
    const { a, b, bCommands, lost } = nodes;
    await b.announce('device', 'phone-1', true);
    await until('node a to see the phone', () => a.has('device', 'phone-1'));
    let droppedAt: number | null = null;
    const watch = () => {
      if (droppedAt === null && !a.has('device', 'phone-1')) droppedAt = Date.now();
    };

    // Redis dies; node b stays silent until after node a is back (the order that lost the phone).
    const port = redis.port;
    await redis.stop(true);
    await bCommands.disconnect();
    const gapFrom = Date.now();
    await until('a gap longer than the TTL', () => Date.now() - gapFrom > 3 * TTL_MS, watch);
    redis = await startRedis(port);
    const probe = await connectRedis(redis.url, logger, 'probe');
    try {
      let aBack = false;
      const checkA = () =>
        void probe.zScore('presence-test:nodes', 'a').then((score) => {
          aBack = score !== null;
        });
      await until(
        'node a to beat again',
        () => aBack,
        () => {
          checkA();
          watch();
        },
      );
      const since = Date.now();
      await until('node a to beat for half a TTL alone', () => Date.now() - since > TTL_MS / 2, watch);
      await bCommands.connect();
      const back = Date.now();
      await until('two TTLs with both nodes back', () => Date.now() - back > 2 * TTL_MS, watch);
    } finally {
      await probe.quit();
    }
    expect(droppedAt, 'node a thought the phone on node b was offline after the restart').toBeNull();
    expect(a.has('device', 'phone-1')).toBe(true);
    expect(lost, 'a Redis gap is not a node dying').toEqual([]);
  }, 30_000);
});
