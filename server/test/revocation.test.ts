import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { runScript } from '../../test-support/process';
import { TestClient } from '../../test-support/socket-client';

/** Issue 10 item 8: revoking access reaches sockets that are already open. */
describe('revocation of open sockets', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false, config: { sessionTtlMs: 3_600_000 } });
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

/** Why the socket closes, once it does: to be raced against a deadline. */
const closing = (client: TestClient) =>
  new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));

/** `reason`, or 'still open' after `ms` of real time. */
const within = (reason: Promise<string>, ms: number) =>
  Promise.race([reason, new Promise<string>((resolve) => setTimeout(() => resolve('still open'), ms))]);

/**
 * Issue 20 item 11: an agent removed or disabled by another process (`npm run server -- agents
 * remove`) kept a working console for up to the 10 s sweep. Access is now checked on every request
 * from memory, kept current by change notices: PostgreSQL's NOTIFY, which every node of a cluster
 * hears at once; on SQLite, whose other processes cannot notify, a one-second look at whether
 * anyone else wrote (PRAGMA data_version).
 */
describe.each(ENGINES)('revocation by another process on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false, config: { sessionTtlMs: 3_600_000 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('closes the console and refuses its token as soon as the change is known', async () => {
    const agent = await h.agent('temp');
    const other = await h.agent('stays');
    const gone = closing(agent);
    const cli = runScript('scripts/server.ts', [
      '--db',
      h.databaseUrl,
      '--log-level',
      'silent',
      'agents',
      'remove',
      'temp',
    ]);
    expect(await cli.exit).toBe(0);
    // SQLite learns of another process's write on its next look, a second on the server's clock.
    if (engine === 'sqlite') h.clock.advance(1_000);
    expect(await within(gone, 3_000)).toBe('io server disconnect');
    const history = await fetch(`${h.url}/api/history.csv`, {
      headers: { authorization: `Bearer ${agent.token}` },
    });
    expect(history.status).toBe(401);
    expect(other.socket.connected).toBe(true);
    expect((await other.request('history:query', {})).ok).toBe(true);
  });
});
