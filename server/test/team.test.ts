import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  type AgentEntry,
  type AuditAction,
  type AuditEntry,
  type LoginError,
  login,
  type SessionStatus,
} from '#shared';
import { ENGINES } from '../../test-support/databases';
import { AGENT_PASSWORD, type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

type Created = { agent: AgentEntry; password: string };
type Page = { entries: AuditEntry[]; nextCursor: string | null };

describe.each(ENGINES)('the team, managed over the console socket, on %s', (engine) => {
  let h: Harness;
  let boss: Awaited<ReturnType<Harness['agent']>>;
  beforeEach(async () => {
    h = await startHarness({ engine, apns: false });
    boss = await h.agent('boss');
  });
  afterEach(async () => {
    await h.close();
  });

  const trail = async (): Promise<[AuditAction, string | null, string | null][]> => {
    const page = await boss.ok<Page>('audit:query', { limit: 200 });
    return page.entries
      .map((e) => [e.action, e.actorName, e.targetName] as [AuditAction, string, string | null])
      .reverse();
  };
  const connect = async (name: string, password: string) => {
    const session = await login(h.url, name, password);
    const client = await TestClient.connect(`${h.url}/agent`, { token: session.token });
    await client.waitFor('roster:snapshot');
    return Object.assign(client, { session });
  };
  const closed = (client: TestClient) =>
    new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));
  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => null,
      (e: LoginError) => [e.code, e.message],
    );

  it('adds an agent with a one-time password, who signs in as an agent and is asked to choose their own', async () => {
    const { agent, password } = await boss.ok<Created>('agent:create', { name: 'Dana' });
    expect(agent).toMatchObject({ name: 'Dana', role: 'agent', disabledAt: null, online: false });
    expect(password).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
    const dana = await connect('dana', password);
    expect(dana.session.role).toBe('agent');
    expect(await dana.waitFor<SessionStatus>('session:status')).toEqual({
      agentId: agent.id,
      name: 'Dana',
      role: 'agent',
      temporaryPassword: true,
    });
    const team = await boss.ok<{ agents: AgentEntry[] }>('team:get', {});
    expect(team.agents.map((a) => [a.name, a.role, a.online])).toEqual([
      ['boss', 'admin', true],
      ['Dana', 'agent', true],
    ]);
    expect((await boss.request('agent:create', { name: 'DANA' })).ok).toBe(false);
    expect(await trail()).toEqual([['agent.added', 'boss', 'Dana']]);
  });

  it("changes a role: the agent's open console is told at once and the new role counts on the next request", async () => {
    const { agent, password } = await boss.ok<Created>('agent:create', { name: 'Eli' });
    const eli = await connect('Eli', password);
    expect((await eli.request('staff:create', { name: 'Zed' })).ok).toBe(false);
    await boss.ok('agent:update', { agentId: agent.id, role: 'admin' });
    await eli.waitFor<SessionStatus>('session:status', (s) => s.role === 'admin');
    expect(eli.socket.connected).toBe(true);
    await eli.ok('staff:create', { name: 'Zed' });
    await boss.ok('agent:update', { agentId: agent.id, role: 'agent' });
    const refused = await eli.request('staff:create', { name: 'Zoe' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await trail()).toEqual([
      ['agent.added', 'boss', 'Eli'],
      ['agent.role_changed', 'boss', 'Eli'],
      ['staff.added', 'Eli', 'Zed'],
      ['agent.role_changed', 'boss', 'Eli'],
    ]);
  });

  it('disables an agent, signing out their open consoles at once, and enables them again', async () => {
    const { agent, password } = await boss.ok<Created>('agent:create', { name: 'Fay' });
    const fay = await connect('Fay', password);
    const gone = closed(fay);
    const updated = await boss.ok<AgentEntry>('agent:update', { agentId: agent.id, disabled: true });
    expect(updated.disabledAt).toBe(h.clock.now());
    await expect(gone).resolves.toBe('io server disconnect');
    expect(fay.eventsNamed('session:ended')).toEqual([
      { reason: 'boss disabled your agent; ask an admin to enable it again.' },
    ]);
    expect(await TestClient.refused(`${h.url}/agent`, { token: fay.session.token })).toMatch(/^UNAUTHORIZED/);
    expect(await refusal(login(h.url, 'Fay', password))).toEqual([
      'FORBIDDEN',
      expect.stringContaining('this agent is disabled; ask an admin of your team to enable it'),
    ]);
    // A wrong password is refused as for anyone: the disabled state is told only to whoever knows it.
    expect((await refusal(login(h.url, 'Fay', 'not her password at all')))?.[0]).toBe('UNAUTHORIZED');
    await boss.ok('agent:update', { agentId: agent.id, disabled: false });
    await connect('Fay', password);
    expect((await trail()).map(([a]) => a)).toEqual(['agent.added', 'agent.disabled', 'agent.enabled']);
  });

  it('resets a password: the old one stops working and the agent is signed out everywhere', async () => {
    const { agent, password } = await boss.ok<Created>('agent:create', { name: 'Gus' });
    const gus = await connect('Gus', password);
    const gone = closed(gus);
    const reset = await boss.ok<Created>('password:reset', { agentId: agent.id });
    expect(reset.password).not.toBe(password);
    await expect(gone).resolves.toBe('io server disconnect');
    expect(gus.eventsNamed('session:ended')).toEqual([
      { reason: 'boss reset your password; sign in with the one they give you.' },
    ]);
    expect((await refusal(login(h.url, 'Gus', password)))?.[0]).toBe('UNAUTHORIZED');
    await connect('Gus', reset.password);
    expect((await trail()).map(([a]) => a)).toEqual(['agent.added', 'agent.password_reset']);
  });

  it('removes an agent: their open consoles close at once and they cannot come back', async () => {
    const { agent, password } = await boss.ok<Created>('agent:create', { name: 'Hal' });
    const hal = await connect('Hal', password);
    const second = await connect('Hal', password);
    const gone = Promise.all([closed(hal), closed(second)]);
    expect(await boss.ok('agent:remove', { agentId: agent.id })).toEqual({ agentId: agent.id });
    await expect(gone).resolves.toEqual(['io server disconnect', 'io server disconnect']);
    expect(hal.eventsNamed('session:ended')).toEqual([{ reason: 'boss removed your agent from the team.' }]);
    expect(await TestClient.refused(`${h.url}/agent`, { token: hal.session.token })).toMatch(/^UNAUTHORIZED/);
    expect((await refusal(login(h.url, 'Hal', password)))?.[0]).toBe('UNAUTHORIZED');
    expect(await boss.request('agent:remove', { agentId: agent.id })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await trail()).toEqual([
      ['agent.added', 'boss', 'Hal'],
      ['agent.removed', 'boss', 'Hal'],
    ]);
  });

  /**
   * How many `team:changed` hints `boss` has received. A hint is emitted before the ack of whatever
   * caused it, so after one round trip of boss's own, every hint emitted so far has arrived.
   */
  const hints = () => boss.eventsNamed('team:changed').length;
  const settled = async () => {
    await boss.ok('team:get', {});
    return hints();
  };

  it('hints every console, without data, that the team changed when another admin adds an agent', async () => {
    const other = await h.agent('other');
    const before = await settled();
    await other.ok<Created>('agent:create', { name: 'Ivy' });
    expect(await boss.waitFor('team:changed', () => hints() > before)).toEqual({});
    expect(await settled()).toBe(before + 1);
  });

  it("hints every console when an agent's first console connects and when their last one closes", async () => {
    const { password } = await boss.ok<Created>('agent:create', { name: 'Jo' });
    const before = await settled();
    const jo = await connect('Jo', password);
    const second = await connect('Jo', password);
    // Jo came online once: the second console changed nothing anyone sees.
    expect(await settled()).toBe(before + 1);
    jo.close();
    second.close();
    await boss.waitFor('team:changed', () => hints() > before + 1);
    expect(await settled()).toBe(before + 2);
    const team = await boss.ok<{ agents: AgentEntry[] }>('team:get', {});
    expect(team.agents.find((a) => a.name === 'Jo')?.online).toBe(false);
  });

  it('never leaves the team without an admin, even when two admins demote each other at once', async () => {
    const self = await boss.request('agent:update', { agentId: boss.agentId, role: 'agent' });
    expect(self).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    if (!self.ok)
      expect(self.error.message).toMatch(/^boss is the team's last admin; make another agent an admin first/);
    expect(await boss.request('agent:remove', { agentId: boss.agentId })).toMatchObject({
      error: { code: 'CONFLICT', message: 'you cannot remove yourself; ask another admin' },
    });
    expect(await boss.request('agent:update', { agentId: boss.agentId, disabled: true })).toMatchObject({
      error: { code: 'CONFLICT', message: 'you cannot disable yourself; ask another admin' },
    });
    const other = await h.agent('other');
    const acks = await Promise.all([
      boss.request('agent:update', { agentId: other.agentId, role: 'agent' }),
      other.request('agent:update', { agentId: boss.agentId, role: 'agent' }),
    ]);
    // The loser is refused as no longer an admin (FORBIDDEN) or as the last one (CONFLICT),
    // depending on which check it reached first.
    expect(acks.filter((a) => a.ok)).toHaveLength(1);
    expect(acks.filter((a) => !a.ok && ['CONFLICT', 'FORBIDDEN'].includes(a.error.code))).toHaveLength(1);
    const admins = (await h.storage.agents.list()).filter((a) => a.role === 'admin');
    expect(admins).toHaveLength(1);
  });

  it("changes one's own password: checks the current one and the rules, ends the agent's other sessions", async () => {
    const ann = await h.agent('ann', 'agent');
    const other = await connect('ann', AGENT_PASSWORD);
    const wrong = await ann.request('password:change', { current: 'nope', next: 'velvet otter quarry' });
    expect(wrong).toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED', message: 'your current password is not right' },
    });
    const common = await ann.request('password:change', { current: AGENT_PASSWORD, next: 'Password2024!' });
    expect(common).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    if (!common.ok) expect(common.error.message).toMatch(/one of the most common passwords/);
    const short = await ann.request('password:change', { current: AGENT_PASSWORD, next: 'short' });
    if (!short.ok) expect(short.error.message).toMatch(/at least 12 characters/);
    const gone = closed(other);
    expect(
      await ann.ok('password:change', { current: AGENT_PASSWORD, next: 'velvet otter quarry' }),
    ).toBeNull();
    await expect(gone).resolves.toBe('io server disconnect');
    expect(other.eventsNamed('session:ended')).toEqual([
      { reason: 'Your password was changed from another console; sign in with the new one.' },
    ]);
    expect(ann.socket.connected).toBe(true);
    await ann.waitFor<SessionStatus>('session:status', (s) => !s.temporaryPassword);
    await login(h.url, 'ann', 'velvet otter quarry');
    expect((await refusal(login(h.url, 'ann', AGENT_PASSWORD)))?.[0]).toBe('UNAUTHORIZED');
    expect(await trail()).toEqual([['agent.password_changed', 'ann', 'ann']]);
  });

  it('puts every change to staff, phones and the directory on the trail, shown by subject and exported as CSV', async () => {
    const ana = await h.staff(boss, 'Ana');
    await boss.ok('staff:update', { staffId: ana.id, name: 'Ana Lima', handle: '+15550001' });
    const phone = await h.phone(boss, ana.id, { token: false });
    const unpaired = closed(phone);
    expect(await boss.ok('device:remove', { deviceId: phone.deviceId })).toEqual({
      deviceId: phone.deviceId,
      staffId: ana.id,
    });
    await expect(unpaired).resolves.toBe('io server disconnect');
    const refused = await TestClient.refused(`${h.url}/device`, {
      deviceId: phone.deviceId,
      secret: phone.deviceSecret,
    });
    expect(refused).toMatch(/^UNAUTHORIZED/);
    const put = (baseVersion: number, entries: unknown[]) =>
      fetch(`${h.url}/api/directory`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${boss.token}` },
        body: JSON.stringify({ entries, baseVersion }),
      });
    expect((await put(0, [{ number: '+15550002', label: 'Desk', blocked: false }])).status).toBe(200);
    expect((await put(1, [{ number: '+15550003', label: '=cmd()', blocked: true }])).status).toBe(200);
    await boss.ok('staff:remove', { staffId: ana.id });
    await h.idle();
    const entries = (await boss.ok<Page>('audit:query', { limit: 200 })).entries.reverse();
    expect(entries.map((e) => [e.action, e.actorName, e.targetName, e.detail])).toEqual([
      ['staff.added', 'boss', 'Ana', null],
      ['staff.changed', 'boss', 'Ana Lima', 'name Ana → Ana Lima; number none → +15550001'],
      ['phone.pairing_started', 'boss', 'Ana Lima', null],
      ['phone.paired', 'boss', 'iPhone', 'for Ana Lima'],
      ['phone.unpaired', 'boss', 'iPhone', 'of Ana Lima'],
      ['directory.replaced', 'boss', null, '1 numbers (0 blocked), version 1'],
      ['directory.replaced', 'boss', null, '1 numbers (1 blocked), version 2'],
      ['staff.removed', 'boss', 'Ana Lima', null],
    ]);
    expect(entries.every((e) => e.actorId === boss.agentId && e.at === h.clock.now())).toBe(true);

    const phones = await boss.ok<Page>('audit:query', { subject: 'phone', limit: 2 });
    expect(phones.entries.map((e) => e.action)).toEqual(['phone.unpaired', 'phone.paired']);
    const rest = await boss.ok<Page>('audit:query', {
      subject: 'phone',
      limit: 2,
      cursor: phones.nextCursor,
    });
    expect(rest).toEqual({
      entries: [expect.objectContaining({ action: 'phone.pairing_started' })],
      nextCursor: null,
    });
    expect(await boss.request('audit:query', { cursor: 'nonsense' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'the audit cursor is not valid; start again without one' },
    });

    const csv = await fetch(`${h.url}/api/audit.csv?subject=staff`, {
      headers: { authorization: `Bearer ${boss.token}` },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const at = new Date(h.clock.now()).toISOString();
    expect((await csv.text()).split('\r\n')).toEqual([
      'at,actor,actor_id,action,target,target_id,detail',
      `${at},boss,${boss.agentId},staff.removed,Ana Lima,${ana.id},`,
      `${at},boss,${boss.agentId},staff.changed,Ana Lima,${ana.id},name Ana → Ana Lima; number none → +15550001`,
      `${at},boss,${boss.agentId},staff.added,Ana,${ana.id},`,
      '',
    ]);
  });

  it('slows down guesses of the current password on password:change, as sign-in does', async () => {
    // The limits' stores keep time by Date (auth/limits.ts): it moves with the server's clock here.
    vi.useFakeTimers({ toFake: ['Date'], now: h.clock.now() });
    onTestFinished(() => void vi.useRealTimers());
    const advance = (ms: number) => {
      h.clock.advance(ms);
      vi.setSystemTime(h.clock.now());
    };
    const ann = await h.agent('ann', 'agent');
    const guess = () =>
      ann.request('password:change', { current: 'a wrong guess', next: 'velvet otter quarry' });
    for (let i = 0; i < 3; i++)
      expect(await guess()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // The first three are free (people mistype); the fourth waits a second, then the waits double.
    advance(1_000);
    expect(await guess()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await guess()).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', message: 'too many wrong current passwords; try again in 2 s' },
    });
    advance(2_000);
    expect(
      await ann.ok('password:change', { current: AGENT_PASSWORD, next: 'velvet otter quarry' }),
    ).toBeNull();
  });
});
