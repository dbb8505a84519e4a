import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

/** Issue 10 item 8: revoking access reaches sockets that are already open. */
describe('revocation of open sockets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false, config: { sessionTtlMs: 3_600_000, sessionSweepMs: 10_000 } });
  });
  afterEach(async () => {
    await h.close();
  });

  const closed = (client: TestClient) =>
    new Promise<string>((resolve) => {
      if (!client.socket.connected) resolve('already closed');
      client.socket.once('disconnect', (reason) => resolve(reason));
    });

  it('closes a console when its session expires', async () => {
    const agent = await h.agent();
    const gone = closed(agent);
    h.clock.advance(3_600_000);
    await expect(gone).resolves.toBe('io server disconnect');
    expect(await TestClient.refused(`${h.url}/agent`, { token: agent.token })).toMatch(/^UNAUTHORIZED/);
  });

  it('closes the consoles of a session at once when it signs out, and only those', async () => {
    const agent = await h.agent('alice');
    const sameAgentOtherSession = await h.agent('alice');
    const gone = closed(agent);
    const res = await fetch(`${h.url}/api/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(res.status).toBe(204);
    await expect(gone).resolves.toBe('io server disconnect');
    expect(sameAgentOtherSession.socket.connected).toBe(true);
  });

  it('closes a console within a sweep when its agent is removed by another process', async () => {
    const agent = await h.agent('temp');
    const other = await h.agent('stays');
    const gone = closed(agent);
    // What `npm run server -- agents remove temp` does, from its own process: the database only.
    await h.storage.agents.remove(agent.agentId);
    h.clock.advance(10_000);
    await expect(gone).resolves.toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
  });

  it('closes the phones of a staff member who is removed, and refuses them after', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id, { token: false });
    const gone = closed(phone);
    await agent.ok('staff:remove', { staffId: ana.id });
    await expect(gone).resolves.toBe('io server disconnect');
    const again = await TestClient.refused(`${h.url}/device`, {
      deviceId: phone.deviceId,
      secret: phone.deviceSecret,
    });
    expect(again).toMatch(/^UNAUTHORIZED/);
  });
});
