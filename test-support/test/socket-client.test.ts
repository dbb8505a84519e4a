import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { type Harness, startHarness } from '../harness';

type Changed = { call: Call };

describe('TestClient.waitFor', () => {
  let h: Harness;
  let agent: Awaited<ReturnType<Harness['agent']>>;
  beforeAll(async () => {
    h = await startHarness({ apns: false });
    agent = await h.agent('alice');
  });
  afterAll(() => h.close());

  it('resolves with an event that arrives after the wait began, or had arrived before', async () => {
    const changed = agent.waitFor<{ staff: StaffEntry[] }>('roster:changed');
    const ana = await h.staff(agent, 'Ana');
    expect((await changed).staff.map((s) => s.id)).toContain(ana.id);
    expect((await agent.waitFor<{ staff: StaffEntry[] }>('roster:snapshot')).staff).toBeDefined();
  });

  it('fails on its own, naming the event it waited for and what came instead', async () => {
    await expect(agent.waitFor('call:changed', () => true, { timeoutMs: 200 })).rejects.toThrow(
      /^waitFor\('call:changed'\) timed out after 200 ms: no 'call:changed' arrived; received .*roster:snapshot ×1/,
    );

    const ben = await h.staff(agent, 'Ben'); // no phone: the call ends unreachable at once
    const call = await agent.ok<Call>('call:place', { staffId: ben.id });
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'ended');
    const other = agent.waitFor<Changed>('call:changed', (p) => p.call.id === 'another call', {
      timeoutMs: 200,
    });
    await expect(other).rejects.toThrow(
      /\d+ 'call:changed' arrived, none matching \(p\) => p\.call\.id === .another call./,
    );
  });
});
