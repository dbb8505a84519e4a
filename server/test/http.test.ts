import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

describe('HTTP API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine: 'sqlite' });
  });
  afterEach(async () => {
    await h.close();
  });

  it('reports health and Prometheus metrics', async () => {
    const health = await fetch(`${h.url}/healthz`);
    expect(await health.json()).toEqual({ ok: true });

    const agent = await h.agent();
    const ana = await h.staff(agent);
    await h.phone(agent, ana.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.ok('call:hangup', { callId: call.id });
    await h.idle();
    const text = await (await fetch(`${h.url}/metrics`)).text();
    expect(text).toContain('switchboard_calls_total{outcome="cancelled",direction="outbound"} 1');
    expect(text).toContain('switchboard_connected_consoles 1');
    expect(text).toContain('switchboard_connected_phones 1');
    expect(text).toMatch(/switchboard_push_results_total\{kind="call",outcome="accepted"\} 1/);
    expect(text).toMatch(/switchboard_push_latency_seconds_count \d+/);
  });

  it('refuses bad bodies with a code and a message, never a stack', async () => {
    const cases: [RequestInit, number, string][] = [
      [{ body: '{"name": "a"' }, 400, 'the body is not valid JSON'],
      [{ body: JSON.stringify({ name: 'a', password: 'b'.repeat(20_000) }) }, 413, 'larger than 16384 bytes'],
      [{ body: JSON.stringify({ name: '' }) }, 400, 'name'],
    ];
    for (const [init, status, message] of cases) {
      const res = await fetch(`${h.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        ...init,
      });
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain(message);
    }
    const text = await fetch(`${h.url}/api/login`, { method: 'POST', body: 'name=a' });
    expect(text.status).toBe(400);
    // Other GETs are the web console's client-side routes (web.test.ts); /api/ stays the API's.
    expect((await fetch(`${h.url}/api/nope`)).status).toBe(404);
    expect((await fetch(`${h.url}/nope`, { method: 'POST' })).status).toBe(404);
    // A malformed escape in the path used to leave the request hanging.
    const badPath = await fetch(`${h.url}/api/devices/%E0%A4%A/directory`);
    expect(badPath.status).toBe(400);
    expect(await badPath.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });

  it('exports history as CSV for a signed-in agent, with filters', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent, 'Ana, "the boss"');
    await h.phone(agent, ana.id);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const call = await agent.ok<Call>('call:place', { staffId: ana.id });
      await agent.ok('call:hangup', { callId: call.id });
      ids.push(call.id);
      h.clock.advance(1000);
    }
    expect((await fetch(`${h.url}/api/history.csv`)).status).toBe(401);
    const auth = { authorization: `Bearer ${agent.token}` };
    const res = await fetch(`${h.url}/api/history.csv?outcome=cancelled`, { headers: auth });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'id,direction,staff_id,agent_id,outcome,created_at,answered_at,ended_at,duration_s,answered_by_device,devices,transfers,quality,mos,disposition,note',
    );
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual([...ids].reverse());
    const none = await fetch(`${h.url}/api/history.csv?outcome=missed`, { headers: auth });
    expect((await none.text()).trim().split('\r\n')).toHaveLength(1);
    const bad = await fetch(`${h.url}/api/history.csv?outcome=bored`, { headers: auth });
    expect(bad.status).toBe(400);
  });

  it('signs out: the revoked session token is refused over HTTP and Socket.IO, other sessions stay', async () => {
    const { token } = await h.login('alice');
    const other = await h.login('alice');
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    expect((await fetch(`${h.url}/api/history.csv`, { headers: bearer(token) })).status).toBe(200);

    const out = await fetch(`${h.url}/api/logout`, { method: 'POST', headers: bearer(token) });
    expect(out.status).toBe(204);
    expect(await out.text()).toBe('');

    const after = await fetch(`${h.url}/api/history.csv`, { headers: bearer(token) });
    expect(after.status).toBe(401);
    expect(await after.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    expect(await TestClient.refused(`${h.url}/agent`, { token })).toMatch(/^UNAUTHORIZED/);
    const again = await fetch(`${h.url}/api/logout`, { method: 'POST', headers: bearer(token) });
    expect(again.status).toBe(401);
    expect((await fetch(`${h.url}/api/logout`, { method: 'POST' })).status).toBe(401);

    expect((await fetch(`${h.url}/api/history.csv`, { headers: bearer(other.token) })).status).toBe(200);
    const still = await TestClient.connect(`${h.url}/agent`, { token: other.token });
    still.close();
  });

  it('serves the caller-ID directory to paired phones only', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    const phone = await h.phone(agent, ana.id);
    const entries = [{ number: '+15551234567', label: 'Support', blocked: false }];
    const saved = await fetch(`${h.url}/api/directory`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${agent.token}` },
      body: JSON.stringify({ entries, baseVersion: 0 }),
    });
    expect(await saved.json()).toEqual({ version: 1 });
    await expect(phone.waitFor('directory:changed')).resolves.toEqual({ version: 1 });
    const path = `${h.url}/api/devices/${phone.deviceId}/directory`;
    const res = await fetch(path, { headers: { authorization: `Bearer ${phone.deviceSecret}` } });
    expect(await res.json()).toEqual({ version: 1, entries });
    expect((await fetch(path, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(path)).status).toBe(401);
  });

  it('pages history over the socket with a cursor', async () => {
    const agent = await h.agent();
    const ana = await h.staff(agent);
    for (let i = 0; i < 5; i++) {
      const call = await agent.ok<Call>('call:place', { staffId: ana.id });
      expect(call.endReason).toBe('unreachable');
      h.clock.advance(10);
    }
    const first = await agent.ok<{ calls: Call[]; nextCursor: string | null }>('history:query', { limit: 3 });
    expect(first.calls).toHaveLength(3);
    const second = await agent.ok<{ calls: Call[]; nextCursor: string | null }>('history:query', {
      limit: 3,
      cursor: first.nextCursor,
    });
    expect(second.calls).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    expect(await agent.request('history:query', { cursor: 'garbage!' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });
});
