import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';

/**
 * An agent's name goes on every call they place (the phone's call screen shows it), and it never
 * changes: it is read once per agent, not once per call (a statement per setup, bench/README.md).
 */
describe("an agent's name on their calls", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  it('is read from the database for their first call only', async () => {
    const agent = await h.agent('alice');
    const ana = await h.staff(agent, 'Ana');
    const first = await agent.ok<Call>('call:place', { staffId: ana.id });
    const reads: string[] = [];
    const { findById } = h.storage.agents;
    h.storage.agents.findById = (id) => {
      reads.push(id);
      return findById.call(h.storage.agents, id);
    };
    const second = await agent.ok<Call>('call:place', { staffId: ana.id });
    expect(reads).toEqual([]);
    expect(second.callerName).toBe(first.callerName);
    expect(second.callerName).toContain('alice');
  });
});
