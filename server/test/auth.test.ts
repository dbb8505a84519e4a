import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const pairBody = (code: string) => ({
  code,
  name: 'iPhone',
  model: 'iPhone16,2',
  osVersion: '18.1',
  appVersion: '1.0.0',
  bundleId: 'com.example.switchboard',
  apnsEnvironment: 'sandbox',
});

describe.each(ENGINES)('auth and pairing on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false });
  });
  afterEach(async () => {
    await h.close();
  });

  it('signs agents in with a password and stores only a hash of the session token', async () => {
    const { token, agentId } = await h.login('alice');
    expect(token.length).toBeGreaterThanOrEqual(40);
    const agent = await h.storage.agents.findByName('alice');
    expect(agent?.id).toBe(agentId);
    expect(agent?.passwordHash).toMatch(/^scrypt\$/);
    expect(await h.storage.sessions.find(token)).toBeNull();

    const wrong = await post(`${h.url}/api/login`, { name: 'alice', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'wrong name or password' },
    });
  });

  it('refuses sockets with no token, a wrong token, or an expired session', async () => {
    expect(await TestClient.refused(`${h.url}/agent`, {})).toMatch(/^UNAUTHORIZED/);
    expect(await TestClient.refused(`${h.url}/agent`, { token: 'x'.repeat(43) })).toMatch(/^UNAUTHORIZED/);
    const { token } = await h.login('alice');
    const ok = await TestClient.connect(`${h.url}/agent`, { token });
    ok.close();
    h.clock.advance(12 * 3600_000);
    expect(await TestClient.refused(`${h.url}/agent`, { token })).toMatch(/expired/);
  });

  it('pairs a phone with a one-time code and refuses a reused, expired or wrong code', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const created = await agent.ok<{ code: string; url: string; expiresAt: number }>('pairing:create', {
      staffId: ana.id,
    });
    expect(created.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(created.url).toBe(`switchboard://pair?server=${encodeURIComponent(h.url)}&code=${created.code}`);
    expect(created.expiresAt - h.clock.now()).toBe(10 * 60_000);

    const first = await post(`${h.url}/api/devices/pair`, pairBody(created.code));
    expect(first.status).toBe(200);
    const device = (await first.json()) as { deviceId: string; deviceSecret: string; staffId: string };
    expect(device.staffId).toBe(ana.id);
    expect((await h.storage.devices.get(device.deviceId))?.secretHash).not.toBe(device.deviceSecret);

    const reused = await post(`${h.url}/api/devices/pair`, pairBody(created.code));
    expect(reused.status).toBe(400);
    expect(((await reused.json()) as { error: { code: string } }).error.code).toBe('PAIRING_CODE_INVALID');

    const late = await agent.ok<{ code: string }>('pairing:create', { staffId: ana.id });
    h.clock.advance(10 * 60_000);
    expect((await post(`${h.url}/api/devices/pair`, pairBody(late.code))).status).toBe(400);

    const malformed = await post(`${h.url}/api/devices/pair`, pairBody('short'));
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('rate-limits code guessing per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const guess = `ABCDEFGH${String(i).padStart(2, '0')}`;
      statuses.push((await post(`${h.url}/api/devices/pair`, pairBody(guess))).status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });

  it('refuses a phone with a wrong secret or an unknown id', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const creds = await h.pair(agent, ana.id);
    const wrong = await TestClient.refused(`${h.url}/device`, {
      deviceId: creds.deviceId,
      secret: 'y'.repeat(43),
    });
    expect(wrong).toMatch(/^UNAUTHORIZED/);
    const unknown = await TestClient.refused(`${h.url}/device`, {
      deviceId: 'nope',
      secret: creds.deviceSecret,
    });
    expect(unknown).toMatch(/^UNAUTHORIZED/);
    expect(await TestClient.refused(`${h.url}/device`, { token: 'agent-style' })).toMatch(/^UNAUTHORIZED/);
  });

  it('keeps a phone to its own calls', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent, 'Ana');
    const ben = await h.staff(agent, 'Ben');
    const anaPhone = await h.phone(agent, ana.id);
    const benPhone = await h.phone(agent, ben.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    for (const event of ['reported', 'answered', 'ended']) {
      expect(await benPhone.report(call.id, event)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    expect((await anaPhone.report(call.id, 'reported')).ok).toBe(true);
  });

  it('shows presence and token state in the roster, live', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    type Roster = {
      staff: { id: string; devices: { id: string; presence: string; token: { present: boolean } }[] }[];
    };
    const phone = await h.phone(agent, ana.id, { token: false });
    const presence = (r: Roster) =>
      r.staff.find((s) => s.id === ana.id)?.devices.find((d) => d.id === phone.deviceId);
    await agent.waitFor<Roster>('roster:changed', (r) => presence(r)?.presence === 'online');
    await phone.ok('device:update', {
      voipToken: 'ab'.repeat(32),
      apnsEnvironment: 'sandbox',
      appVersion: '1.0.1',
      osVersion: '18.2',
    });
    await agent.waitFor<Roster>('roster:changed', (r) => presence(r)?.token.present === true);
    phone.close();
    // This server has no APNs: a token cannot ring a phone whose socket is gone.
    await agent.waitFor<Roster>('roster:changed', (r) => presence(r)?.presence === 'unreachable');
  });
});
