import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_REQUEST_ACCESS, type AgentRequestName, agentRequests, ERROR_CODES } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';
import { enforceRouteAccess, HTTP_ROUTE_ACCESS } from '../src/http/access';

/**
 * The requests any agent may send, written out here on purpose: a new request is an admin's
 * unless someone adds it to this list too, and then this test says so in review.
 */
const OPEN_TO_AGENTS: AgentRequestName[] = [
  'call:place',
  'call:accept',
  'call:decline',
  'call:hangup',
  'call:hold',
  'call:mute',
  'rtc:signal',
  'rtc:ice',
  'call:sync',
  'history:query',
  'password:change',
  'session:list',
  'session:end-others',
  'transfer:targets',
  'transfer:start',
  'transfer:accept',
  'transfer:decline',
  'transfer:complete',
  'transfer:cancel',
  'consult:signal',
  // Issue 24: each agent's own availability, the list of dispositions, their own calls' notes.
  'availability:set',
  'softphone:take',
  'softphone:configure',
  'quality:report',
  'quality:phone',
  'network:ice',
  // Phone health (issue 25): the roster's marks and the Health screen are everyone's to read.
  'health:records',
  'health:phone',
  'health:team',
  'dispositions:get',
  'call:wrapup',
  'callbacks:list',
  'callback:claim',
  'callback:release',
  'callback:call',
  'callback:close',
  // Issue 26 item 5: a supervision's media, between the call's agent and the supervising admin
  // (the handler checks both); starting, changing and stopping one is an admin's.
  'supervise:signal',
  'supervise:ice',
  // Issue 27: video on the agent's own calls, and a call's snapshots in history.
  'video:request',
  'video:stop',
  'video:camera',
  'video:marker',
  'video:snapshots',
  'video:settings',
];

const REQUESTS = Object.keys(agentRequests) as AgentRequestName[];
const ADMIN_REQUESTS = REQUESTS.filter((r) => !OPEN_TO_AGENTS.includes(r));

describe('who may send what', () => {
  it('lists exactly these requests as open to every agent, and every other one as admin-only', () => {
    const open = REQUESTS.filter((r) => AGENT_REQUEST_ACCESS[r] === 'everyone');
    expect(open.sort()).toEqual([...OPEN_TO_AGENTS].sort());
    expect(Object.keys(AGENT_REQUEST_ACCESS).sort()).toEqual([...REQUESTS].sort());
  });
});

describe.each(ENGINES)('an agent who is not an admin, on %s', (engine) => {
  let h: Harness;
  let admin: TestClient & { agentId: string; token: string };
  let agent: TestClient & { agentId: string; token: string };
  let staffId: string;

  beforeAll(async () => {
    h = await startHarness({
      engine,
      apns: false,
      config: { socketRate: { burst: 1_000, perSecond: 1_000 } },
    });
    admin = await h.agent('boss');
    agent = await h.agent('ann', 'agent');
    staffId = (await h.staff(admin, 'Ana')).id;
  });
  afterAll(async () => {
    await h.close();
  });

  const state = async () => ({
    staff: await h.storage.staff.list(),
    devices: await h.storage.devices.list(),
    agents: await h.storage.agents.list(),
    directory: await h.storage.directory.get(),
    audit: (await h.storage.audit.query({}, { limit: 200 })).entries,
  });

  it.each(ADMIN_REQUESTS)(
    'is refused %s with FORBIDDEN, saying only an admin may, and nothing changes',
    async (event) => {
      const before = await state();
      // Payloads that would be valid from an admin: the refusal must not depend on the payload.
      for (const payload of [{}, plausiblePayload(event, { staffId, agentId: admin.agentId })]) {
        const ack = await agent.request(event, payload);
        expect(ack.ok, `${event} ${JSON.stringify(payload)}`).toBe(false);
        if (ack.ok) continue;
        expect(ack.error.code).toBe(ERROR_CODES.FORBIDDEN);
        expect(ack.error.message).toMatch(
          new RegExp(`^${event}: only an admin may .+; you are signed in as an agent`),
        );
      }
      await h.idle();
      expect(await state()).toEqual(before);
    },
  );

  it.each(OPEN_TO_AGENTS)('is not refused %s for its role', async (event) => {
    const ack = await agent.request(event, {});
    if (!ack.ok) expect(ack.error.code).not.toBe(ERROR_CODES.FORBIDDEN);
  });

  it('still sees the roster and history as an admin does', async () => {
    const mine = await agent.request('history:query', {});
    const theirs = await admin.request('history:query', {});
    expect(mine).toEqual(theirs);
    const snapshot = agent.received.find((r) => r.event === 'roster:snapshot');
    expect(snapshot?.payload).toEqual({ staff: [] });
    await agent.waitFor('roster:changed', (p: { staff: { id: string }[] }) =>
      p.staff.some((s) => s.id === staffId),
    );
  });

  it('is refused every admin HTTP route with 403 FORBIDDEN; without a session, 401', async () => {
    const adminRoutes = Object.entries(HTTP_ROUTE_ACCESS).filter(([, access]) => typeof access === 'object');
    expect(adminRoutes.length).toBeGreaterThan(0);
    for (const [route] of adminRoutes) {
      const [method, path] = route.split(' ') as [string, string];
      const url = `${h.url}${path.replace(/:(\w+)/g, 'x')}`;
      const as = (token?: string) =>
        fetch(url, {
          method,
          headers: {
            'content-type': 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          ...(method === 'GET' ? {} : { body: '{}' }),
        });
      const refused = await as(agent.token);
      expect(refused.status, route).toBe(403);
      const body = (await refused.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('FORBIDDEN');
      expect(body.error.message).toMatch(new RegExp(`^${method} ${path}: only an admin may`));
      expect((await as()).status, route).toBe(401);
      // An admin gets past the check (the route may still refuse the empty body).
      expect([401, 403], route).not.toContain((await as(admin.token)).status);
    }
  });
});

describe('HTTP routes', () => {
  it('refuse to start when an /api/ route does not say who may call it', async () => {
    const app = Fastify();
    enforceRouteAccess(app, { auth: null as never });
    // Registered inside a plugin, as the server's routes are.
    app.register(async (api) => {
      api.get('/api/history.csv', async () => 'listed');
      api.get('/healthz', async () => 'not under /api/');
      api.post('/api/secret-admin-thing', async () => 'unlisted');
    });
    await expect(app.ready()).rejects.toThrow(
      'POST /api/secret-admin-thing is not in HTTP_ROUTE_ACCESS (server/src/http/access.ts): say who may call it there',
    );
  });
});

/** A payload the schema accepts for `event`, so the test shows the role alone decides. */
function plausiblePayload(event: AgentRequestName, ids: { staffId: string; agentId: string }): unknown {
  const candidates: unknown[] = [
    { staffId: ids.staffId, name: 'Renamed' },
    { name: 'Someone' },
    { staffId: ids.staffId },
    { agentId: ids.agentId, role: 'agent' },
    { agentId: ids.agentId },
    { deviceId: 'dev-1' },
    { entries: [] },
    { dispositions: [{ name: 'Resolved' }] },
    {},
  ];
  return candidates.find((c) => agentRequests[event].safeParse(c).success) ?? {};
}
