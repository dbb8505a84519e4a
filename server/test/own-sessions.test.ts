import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SessionEntry } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import { hashSecret } from '../src/auth/secrets';

/** Issue 20 item 6: sessions were never purged; an agent could not see or end their own. */
describe("an agent's own sessions", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ apns: false, config: { sessionTtlMs: 2 * 3600_000 } });
  });
  afterEach(async () => {
    await h.close();
  });

  it('deletes sessions once they have run out, on the hour', async () => {
    const old = await h.login('alice');
    h.clock.advance(3600_000);
    const fresh = await h.login('alice');
    h.clock.advance(3600_000); // the first ran out at 2 h; the purge runs every hour
    expect(await h.storage.sessions.find(hashSecret(old.token))).toBeNull();
    expect(await h.storage.sessions.find(hashSecret(fresh.token))).not.toBeNull();
  });

  it('lists them, this console marked, and signs out every other one', async () => {
    const here = await h.agent('alice');
    const there = await h.agent('alice');
    const bob = await h.agent('bob');
    const { sessions } = await here.ok<{ sessions: SessionEntry[] }>('session:list', {});
    expect(sessions).toHaveLength(2);
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.every((s) => s.id.length === 12 && !here.token.includes(s.id))).toBe(true);

    const ended = there.waitFor<{ reason: string }>('session:ended');
    expect(await here.ok('session:end-others', {})).toEqual({ ended: 1 });
    expect((await ended).reason).toMatch(/signed out of this console from another one of yours/);
    expect(await here.ok<{ sessions: SessionEntry[] }>('session:list', {})).toMatchObject({
      sessions: [{ current: true }],
    });
    expect(here.socket.connected).toBe(true);
    expect(bob.socket.connected).toBe(true);
    const refused = await fetch(`${h.url}/api/history.csv`, {
      headers: { authorization: `Bearer ${there.token}` },
    });
    expect(refused.status).toBe(401);
  });
});
