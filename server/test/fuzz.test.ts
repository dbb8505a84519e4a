import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { agentRequests, type Call, deviceRequests, ERROR_CODE_LIST } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

/** Anything JSON-ish, plus the shapes that trip careless handlers. */
const garbage = fc.oneof(
  fc.anything({ withBigInt: false, withTypedArray: true, withSparseArray: true, maxDepth: 3 }),
  fc.record({ callId: fc.string(), staffId: fc.string(), on: fc.anything(), event: fc.string() }),
  fc.constantFrom(null, undefined, '', 0, -1, [], {}, { __proto__: { ok: true } }, 'x'.repeat(10_000)),
);

async function snapshot(h: Harness) {
  const [staff, devices, page, directory] = await Promise.all([
    h.storage.staff.list(),
    h.storage.devices.list(),
    h.storage.calls.query({}, { limit: 200 }),
    h.storage.directory.get(),
  ]);
  return { staff, devices, calls: page.calls, directory };
}

describe.each(ENGINES)('malformed input on %s', (engine) => {
  let h: Harness;
  let agent: TestClient & { agentId: string };
  let phone: Awaited<ReturnType<Harness['phone']>>;
  let staffId: string;

  beforeAll(async () => {
    h = await startHarness({
      engine,
      // The fuzzer sends thousands of requests: lift the per-socket limit so it tests validation.
      config: { socketRate: { burst: 100_000, perSecond: 100_000 } },
    });
    agent = await h.agent('alice');
    staffId = (await h.staff(agent, 'Ana')).id;
    phone = await h.phone(agent, staffId);
    const call = await agent.ok<Call>('call:place', { staffId });
    await phone.report(call.id, 'reported');
    await h.idle();
  });
  afterAll(async () => {
    await h.close();
  });

  const fuzz = (name: string, client: () => TestClient, schemas: Record<string, z.ZodType>) =>
    it(`${name}: every event refuses garbage with an error code and changes nothing`, async () => {
      const before = await snapshot(h);
      const events = Object.keys(schemas);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...events), garbage, async (event, payload) => {
          // A payload that happens to be valid is not garbage; only invalid ones are thrown.
          fc.pre(!schemas[event]!.safeParse(payload).success);
          const ack = await client().request(event, payload);
          expect(ack.ok).toBe(false);
          if (ack.ok) return;
          expect(ERROR_CODE_LIST).toContain(ack.error.code);
          expect(ack.error.message).not.toMatch(/\n\s+at /);
        }),
        { numRuns: 150 },
      );
      // Events nobody listens for, and requests without an ack callback, are dropped quietly.
      client().socket.emit('nope:nothing', { a: 1 });
      client().socket.emit('call:place', { staffId });
      await h.idle();
      expect(await snapshot(h)).toEqual(before);
    });

  fuzz('agent namespace', () => agent, agentRequests);
  fuzz('device namespace', () => phone, deviceRequests);

  it('keeps serving everyone afterwards', async () => {
    expect(phone.socket.connected).toBe(true);
    expect(agent.socket.connected).toBe(true);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    const bob = await h.agent('bob');
    const other = await bob.ok<Call>('call:place', { staffId });
    expect(other.state).toBe('dialing');
    expect((await bob.ok<Call>('call:hangup', { callId: other.id })).endReason).toBe('cancelled');
  });

  it('drops a client that sends an oversized message, and only that client', async () => {
    const big = await h.agent('mallory');
    const gone = new Promise<string>((resolve) => big.socket.once('disconnect', resolve));
    big.socket.emit('staff:create', { name: 'x'.repeat(70_000) }, () => undefined);
    expect(await gone).toBe('transport close');
    expect((await h.storage.staff.list()).some((s) => s.name.startsWith('xxx'))).toBe(false);
    expect((await agent.request('history:query', {})).ok).toBe(true);
  });
});
