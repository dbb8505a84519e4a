import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, SessionStatus } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';

/**
 * `live:changed`, the Live board's hint, goes to the consoles of admins only (the board is theirs):
 * sent to every console it was most of the WebSocket frames a call setup wrote (issue 23 item 3).
 * A console's role is followed on each of its requests.
 */
describe('the Live board hint', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  /**
   * A console that connects is announced to every console (`team:changed`); whatever was sent to
   * a console before it, it has received once that arrives (one socket's frames keep their order).
   */
  async function fence(...consoles: TestClient[]) {
    const before = consoles.map((c) => c.eventsNamed('team:changed').length);
    await h.agent(undefined, 'agent');
    await Promise.all(
      consoles.map((c, i) =>
        c.waitFor('team:changed', () => c.eventsNamed('team:changed').length > before[i]!),
      ),
    );
  }

  it('reaches admins, not agents; a console made an admin or an agent follows from its next request', async () => {
    const boss = await h.agent('boss');
    const alice = await h.agent('alice', 'agent');
    const carol = await h.agent('carol', 'agent');
    const ana = await h.staff(boss, 'Ana');
    const iphone = await h.phone(boss, ana.id, { token: false });
    const answer = async () => {
      const call = await alice.ok<Call>('call:place', { staffId: ana.id });
      await iphone.report(call.id, 'answered');
      return call;
    };

    const first = await answer();
    await boss.waitFor('live:changed');
    await fence(alice, carol);
    expect(alice.eventsNamed('live:changed')).toEqual([]);
    expect(carol.eventsNamed('live:changed')).toEqual([]);

    await boss.ok('agent:update', { agentId: carol.agentId, role: 'admin' });
    await carol.waitFor<SessionStatus>('session:status', (s) => s.role === 'admin');
    await carol.ok('supervise:live', {});
    await alice.ok('call:hangup', { callId: first.id });
    await carol.waitFor('live:changed');
    expect(boss.eventsNamed('live:changed')).toHaveLength(2);

    await boss.ok('agent:update', { agentId: carol.agentId, role: 'agent' });
    await carol.waitFor<SessionStatus>('session:status', (s) => s.role === 'agent');
    await carol.ok('session:list', {});
    await h.idle();
    await answer();
    await boss.waitFor('live:changed', () => boss.eventsNamed('live:changed').length === 3);
    await fence(carol);
    expect(carol.eventsNamed('live:changed')).toHaveLength(1);
    expect(alice.eventsNamed('live:changed')).toEqual([]);
  });
});
