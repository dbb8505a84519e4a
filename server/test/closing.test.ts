import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Call, manualClock } from '#shared';
import { startCluster, type TestCluster, until } from '../../test-support/cluster';
import { type Harness, startHarness } from '../../test-support/harness';
import { type RedisForTests, startRedis } from '../../test-support/redis';
import { type ApnsEmulator, generateProviderKey, startApnsEmulator } from '../../tools/apns-emulator/src';

type Line = { level: number; msg: string; err?: { message: string } };

/** A logger at debug whose lines a test reads, and the errors among them (level 50 and up). */
function captured() {
  const lines: Line[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as Line) });
  const errors = () => lines.filter((l) => l.level >= 50).map((l) => `${l.msg}: ${l.err?.message ?? ''}`);
  return { lines, logger, errors };
}

/**
 * What fails only because the server is closing is not an error an operator should chase:
 * bench:cluster's teardown logged dozens of such lines at level 50, hiding any real one.
 */
describe('a closing server logs no error for the work its own teardown cuts short', () => {
  let h: Harness | null = null;
  let emulator: ApnsEmulator | null = null;
  let cluster: TestCluster | null = null;
  let redis: RedisForTests | null = null;
  afterEach(async () => {
    await h?.close();
    await emulator?.close();
    await cluster?.close();
    await redis?.stop();
    h = emulator = cluster = redis = null;
  });

  it('a call push APNs answers while the gateway closes: its cancel again is not sent, and not an error', async () => {
    const apnsClock = manualClock(Date.now());
    const key = generateProviderKey();
    emulator = await startApnsEmulator({ port: 0, environment: 'sandbox', keys: [key], clock: apnsClock });
    const log = captured();
    h = await startHarness({
      emulator: { instance: emulator, key },
      logger: log.logger,
      // APNs answers the call push it held just as the gateway starts closing: the push ledger then
      // sends its cancel again (the call push may have replaced the stored cancel).
      wrapPush: (gateway) =>
        Object.assign(Object.create(gateway), {
          close() {
            const closed = gateway.close();
            apnsClock.advance(5_000);
            return closed;
          },
        }),
    });
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    phone.close();
    emulator.setOnline(phone.voipToken, false);
    emulator.fault(phone.voipToken, { type: 'delay', ms: 5_000, count: 1 });
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await apnsClock.whenPending(1);
    await agent.ok('call:hangup', { callId: call.id });
    await agent.waitFor<{ call: Call }>('call:changed', (p) =>
      p.call.pushes.some((r) => r.kind === 'cancel' && r.outcome === 'accepted'),
    );

    await h.close();
    h = null;
    expect(log.errors()).toEqual([]);
    expect(log.lines.some((l) => l.msg === 'push not sent: the push gateway is closing')).toBe(true);
  });

  it("nodes closing together: a console's socket closing with its node hands the softphone through no node that is going", async () => {
    redis = await startRedis();
    const log = captured();
    cluster = await startCluster({ nodes: 2, redisUrl: redis.url, logger: log.logger });
    const agent = await cluster.agent(0, 'alice');
    // The softphone's room is joined through the adapter (Redis) and answers no event: the console
    // may carry media once it holds it.
    await until("alice's console is her softphone", async () => {
      const ack = await agent.request('rtc:ice', { callId: randomUUID() });
      return ack.ok || ack.error.code !== 'FORBIDDEN';
    });
    // As bench:cluster stops its nodes: all at once. Each still counts the others for a while, so a
    // request to every node waits for answers that never come (the adapter gives up after 5 s).
    const nodes = cluster.nodes.splice(0);
    agent.close();
    await Promise.all(nodes.map((n) => n.server.close()));
    expect(log.errors()).toEqual([]);
  });
});
