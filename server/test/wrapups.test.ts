import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentAvailability, AuditEntry, Call, Disposition, WrapUp } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';

type Changed = { call: Call };
type Agents = { agents: AgentAvailability[] };
type History = { calls: Call[]; nextCursor: string | null };

describe.each(ENGINES)('notes and dispositions on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => {
    await h.close();
  });

  /** An admin, two agents, and Ana's phone; the admin is Away so calls ring the agents. */
  async function desk() {
    const admin = await h.agent('root');
    const alice = await h.agent('alice', 'agent');
    const bob = await h.agent('bob', 'agent');
    const ana = await h.staff(admin, 'Ana');
    const phone = await h.phone(admin, ana.id);
    await admin.ok('availability:set', { state: 'away' });
    await bob.ok('availability:set', { state: 'away' });
    return { admin, alice, bob, phone };
  }

  async function aliceCall(d: Awaited<ReturnType<typeof desk>>) {
    const call = await d.phone.ok<Call>('call:start', {});
    await d.alice.waitFor<Changed>('call:incoming', (p) => p.call.id === call.id);
    await d.alice.ok('call:accept', { callId: call.id });
    return call;
  }

  const list = async (c: Awaited<ReturnType<typeof desk>>['alice']) =>
    (await c.ok<{ dispositions: Disposition[] }>('dispositions:get', {})).dispositions;

  it('admins keep the list: changes reach every console and the audit trail, agents may not make them', async () => {
    const { admin, alice } = await desk();
    const start = await list(alice);
    expect(start.map((d) => d.name)).toEqual(['Resolved', 'Follow-up', 'Wrong number']);
    const [resolved] = start;

    const refused = await alice.request('dispositions:set', { dispositions: [] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const twice = await admin.request('dispositions:set', { dispositions: [{ name: 'A' }, { name: 'a' }] });
    expect(twice).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });

    const saved = await admin.ok<{ dispositions: Disposition[] }>('dispositions:set', {
      dispositions: [{ name: 'Escalated' }, { id: resolved!.id, name: 'Solved' }],
    });
    expect(saved.dispositions.map((d) => `${d.name}${d.archived ? ' (archived)' : ''}`)).toEqual([
      'Escalated',
      'Solved',
      'Follow-up (archived)',
      'Wrong number (archived)',
    ]);
    expect(saved.dispositions[1]!.id).toBe(resolved!.id);
    await alice.waitFor<{ dispositions: Disposition[] }>('dispositions:changed', (p) =>
      p.dispositions.some((d) => d.name === 'Escalated'),
    );
    const trail = await admin.ok<{ entries: AuditEntry[] }>('audit:query', { subject: 'disposition' });
    expect(trail.entries).toMatchObject([
      {
        action: 'disposition.changed',
        actorName: 'root',
        detail: 'added Escalated; renamed Resolved → Solved; removed Follow-up; removed Wrong number',
      },
    ]);
  });

  it("the call's agent writes a note and a disposition during and after the call; history shows and filters", async () => {
    const d = await desk();
    const [resolved, followUp] = await list(d.alice);
    const call = await aliceCall(d);
    const during = await d.alice.ok<WrapUp>('call:wrapup', { callId: call.id, note: 'Printer on 3rd floor' });
    expect(during).toMatchObject({
      note: 'Printer on 3rd floor',
      dispositionId: null,
      agentId: d.alice.agentId,
    });
    expect(await d.bob.request('call:wrapup', { callId: call.id, note: 'mine' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await d.alice.ok('call:hangup', { callId: call.id });
    const after = await d.alice.ok<WrapUp>('call:wrapup', {
      callId: call.id,
      note: 'Printer on 3rd floor; toner ordered',
      dispositionId: followUp!.id,
    });
    expect(after.dispositionName).toBe('Follow-up');

    // Another call of hers, Resolved; then history by disposition.
    await d.alice.ok('availability:set', { state: 'available' });
    const other = await aliceCall(d);
    await d.alice.ok('call:hangup', { callId: other.id });
    await d.alice.ok('call:wrapup', { callId: other.id, dispositionId: resolved!.id });
    const all = await d.alice.ok<History>('history:query', {});
    expect(all.calls.find((c) => c.id === call.id)?.wrapUp).toMatchObject({
      note: 'Printer on 3rd floor; toner ordered',
      dispositionName: 'Follow-up',
    });
    const followUps = await d.alice.ok<History>('history:query', { dispositionId: followUp!.id });
    expect(followUps.calls.map((c) => c.id)).toEqual([call.id]);

    // A disposition the admins removed stays on the call, but cannot be chosen anew.
    await d.admin.ok('dispositions:set', { dispositions: [{ id: resolved!.id, name: 'Resolved' }] });
    expect(
      await d.alice.ok<WrapUp>('call:wrapup', { callId: call.id, dispositionId: followUp!.id }),
    ).toMatchObject({ dispositionName: 'Follow-up', note: '' });
    expect(
      await d.alice.request('call:wrapup', { callId: other.id, dispositionId: followUp!.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('saving the disposition ends after-call work at once; saved during the call, there is none', async () => {
    const d = await desk();
    const [resolved] = await list(d.alice);
    const call = await aliceCall(d);
    await d.alice.ok('call:hangup', { callId: call.id });
    await d.bob.waitFor<Agents>('availability:changed', (p) =>
      p.agents.some((a) => a.agentId === d.alice.agentId && a.state === 'afterCall'),
    );
    h.clock.advance(4_000);
    await d.alice.ok('call:wrapup', { callId: call.id, note: 'done', dispositionId: resolved!.id });
    expect(await h.server.availability.entry(d.alice.agentId)).toMatchObject({
      state: 'available',
      since: h.clock.now(),
    });

    const next = await aliceCall(d);
    await d.alice.ok('call:wrapup', { callId: next.id, dispositionId: resolved!.id });
    // The call's end sets the agent's row in one statement: its wrap-up is not read on its own.
    const reads: string[] = [];
    const { get } = h.storage.wrapUps;
    h.storage.wrapUps.get = (callId) => {
      reads.push(callId);
      return get.call(h.storage.wrapUps, callId);
    };
    await d.alice.ok('call:hangup', { callId: next.id });
    await h.idle();
    expect((await h.server.availability.entry(d.alice.agentId))?.state).toBe('available');
    expect(reads).toEqual([]);
  });

  it('the CSV has the disposition and the note, filters by disposition, and never hands a spreadsheet a formula', async () => {
    const d = await desk();
    const [resolved] = await list(d.alice);
    const call = await aliceCall(d);
    await d.alice.ok('call:hangup', { callId: call.id });
    await d.alice.ok('call:wrapup', {
      callId: call.id,
      note: '=HYPERLINK("x"), said "hi"',
      dispositionId: resolved!.id,
    });
    const auth = { authorization: `Bearer ${d.alice.token}` };
    const res = await fetch(`${h.url}/api/history.csv?dispositionId=${resolved!.id}`, { headers: auth });
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/,Resolved,"'=HYPERLINK\(""x""\), said ""hi"""$/);
    const none = await fetch(`${h.url}/api/history.csv?dispositionId=nothing`, { headers: auth });
    expect((await none.text()).trim().split('\r\n')).toHaveLength(1);
  });
});
