import { afterEach, describe, expect, it } from 'vitest';
import type { AgentAvailability, Call } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, type HarnessOptions, startHarness } from '../../test-support/harness';
import { sentToPostgres } from '../../test-support/pg-queries';
import { TestClient } from '../../test-support/socket-client';

type Changed = { call: Call };
type Agents = { agents: AgentAvailability[] };
/** An `availability:changed` (or snapshot) that says `agentId` is now as `want` says. */
const says =
  (agentId: string, want: Partial<AgentAvailability>) =>
  ({ agents }: Agents): boolean =>
    agents.some(
      (a) => a.agentId === agentId && Object.entries(want).every(([k, v]) => a[k as keyof typeof a] === v),
    );

/** Matches the second payload `match` accepts (the first one is an earlier change). */
const second = <T>(match: (p: T) => boolean) => {
  let seen = 0;
  return (p: T) => match(p) && ++seen === 2;
};

describe.each(ENGINES)('agent availability on %s', (engine) => {
  let h: Harness;
  const start = async (config: HarnessOptions['config'] = {}) => {
    h = await startHarness({ engine, config });
  };
  afterEach(async () => {
    await h.close();
  });

  /** Alice and Bob signed in (agents, not admins), Ana's phone paired by an admin. */
  async function desk() {
    const admin = await h.agent('root');
    const alice = await h.agent('alice', 'agent');
    const bob = await h.agent('bob', 'agent');
    const ana = await h.staff(admin, 'Ana');
    const phone = await h.phone(admin, ana.id);
    // The admin's console is not on duty: only Alice and Bob take calls.
    await admin.ok('availability:set', { state: 'away' });
    return { admin, alice, bob, ana, phone };
  }

  /** Alice takes a call from Ana's phone; resolves with the answered call. */
  async function aliceTakesACall(alice: TestClient, phone: Awaited<ReturnType<Harness['phone']>>) {
    const call = await phone.ok<Call>('call:start', {});
    await alice.waitFor<Changed>('call:incoming', (p) => p.call.id === call.id);
    await alice.ok('call:accept', { callId: call.id });
    return call;
  }

  it("shows every agent's availability to every console; each agent sets only their own", async () => {
    await start();
    // Dana has never opened a console: Away (the server's, which her first console ends).
    const dana = await h.login('dana', 'agent');
    const { alice, bob } = await desk();
    const snapshot = await bob.waitFor<Agents>('availability:snapshot');
    expect(snapshot.agents.find((a) => a.agentId === dana.agentId)).toMatchObject({
      state: 'away',
      online: false,
    });
    expect(snapshot.agents.find((a) => a.agentId === alice.agentId)).toMatchObject({
      name: 'alice',
      state: 'available',
      until: null,
    });

    const t = h.clock.now();
    const mine = await alice.ok<AgentAvailability>('availability:set', { state: 'away' });
    expect(mine).toMatchObject({ agentId: alice.agentId, state: 'away', since: t, online: true });
    await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { state: 'away', since: t }));
    // The wire has no way to name another agent: the request changes the sender's own state.
    const refused = await alice.request('availability:set', { state: 'busy' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('rings only Available agents; with none Available the call ends at once, saying so', async () => {
    await start();
    const { alice, bob, phone } = await desk();
    await bob.ok('availability:set', { state: 'away' });
    const call = await phone.ok<Call>('call:start', {});
    expect(call.offeredTo).toEqual([alice.agentId]);
    await alice.waitFor<Changed>('call:incoming', (p) => p.call.id === call.id);
    expect(await bob.request('call:accept', { callId: call.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    // Alice, the only one it rang, declines it: it is over.
    await alice.ok('call:decline', { callId: call.id });
    expect((await h.storage.calls.get(call.id))?.endReason).toBe('declined');
    expect(bob.eventsNamed<Changed>('call:incoming').some((p) => p.call.id === call.id)).toBe(false);

    await alice.ok('availability:set', { state: 'away' });
    const nobody = await phone.ok<Call>('call:start', {});
    expect(nobody).toMatchObject({ state: 'ended', endReason: 'noAgentAvailable', offeredTo: [] });
    expect(nobody.timeline.find((e) => e.event === 'noAgentAvailable')?.detail).toBe(
      'no agent is available (3 online: in a call, in after-call work or away)',
    );
    // The phone learns it by its ack and is told nothing else; no console rings.
    expect(alice.eventsNamed<Changed>('call:incoming').some((p) => p.call.id === nobody.id)).toBe(false);
  });

  it('is Busy in a call, in after-call work for its time on the clock, then Available', async () => {
    await start();
    const { alice, bob, phone } = await desk();
    const call = await aliceTakesACall(alice, phone);
    await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { state: 'busy' }));

    const hungUpAt = h.clock.now();
    await alice.ok('call:hangup', { callId: call.id });
    await bob.waitFor<Agents>(
      'availability:changed',
      says(alice.agentId, { state: 'afterCall', since: hungUpAt, until: hungUpAt + 30_000 }),
    );
    // In after-call work Alice is not rung: Bob is.
    const next = await phone.ok<Call>('call:start', {});
    expect(next.offeredTo).toEqual([bob.agentId]);
    await bob.ok('call:decline', { callId: next.id });

    await h.idle();
    h.clock.advance(29_999);
    await h.idle();
    expect((await h.server.availability.entry(alice.agentId))?.state).toBe('afterCall');
    h.clock.advance(1);
    await bob.waitFor<Agents>(
      'availability:changed',
      says(alice.agentId, { state: 'available', since: hungUpAt + 30_000 }),
    );
    expect((await phone.ok<Call>('call:start', {})).offeredTo?.sort()).toEqual(
      [alice.agentId, bob.agentId].sort(),
    );
  });

  it.runIf(engine === 'postgres')(
    "writes the agent's after-call work in the call's own write at its end: one round trip",
    async () => {
      await start();
      const { alice, bob, phone } = await desk();
      const call = await aliceTakesACall(alice, phone);
      await h.idle();
      const sent = await sentToPostgres(async () => {
        await alice.ok('call:hangup', { callId: call.id });
        await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { state: 'afterCall' }));
      });
      const writes = sent.filter((q) => /insert into "agent_availability"/.test(q));
      expect(writes).toHaveLength(1);
      expect(writes[0]).toMatch(/; insert into calls /);
    },
  );

  it('goes straight back to Available when after-call work is off (0)', async () => {
    await start({ afterCallWorkMs: 0 });
    const { alice, bob, phone } = await desk();
    const call = await aliceTakesACall(alice, phone);
    await alice.ok('call:hangup', { callId: call.id });
    await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { state: 'available' }));
    expect(
      bob.eventsNamed<Agents>('availability:changed').some(says(alice.agentId, { state: 'afterCall' })),
    ).toBe(false);
  });

  it('ends after-call work early when the agent chooses Available', async () => {
    await start();
    const { alice, bob, phone } = await desk();
    const call = await aliceTakesACall(alice, phone);
    await alice.ok('call:hangup', { callId: call.id });
    await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { state: 'afterCall' }));
    h.clock.advance(5_000);
    const back = await alice.ok<AgentAvailability>('availability:set', { state: 'available' });
    expect(back).toMatchObject({ state: 'available', since: h.clock.now(), until: null });
    // The timer that would have ended it changes nothing later.
    h.clock.advance(30_000);
    await h.idle();
    expect((await h.server.availability.entry(alice.agentId))?.since).toBe(back.since);
  });

  it('leaves an agent as they were after a call nobody answered, and keeps an Away chosen during a call', async () => {
    await start();
    const { admin, alice, bob, phone, ana } = await desk();
    const out = await admin.ok<Call>('call:place', { staffId: ana.id });
    await admin.ok('call:hangup', { callId: out.id });
    await h.idle();
    expect((await h.server.availability.entry(admin.agentId))?.state).toBe('away');

    const call = await aliceTakesACall(alice, phone);
    await alice.ok('availability:set', { state: 'away' });
    await alice.ok('call:hangup', { callId: call.id });
    await h.idle();
    expect((await h.server.availability.entry(alice.agentId))?.state).toBe('away');
    expect(
      bob.eventsNamed<Agents>('availability:changed').some(says(alice.agentId, { state: 'afterCall' })),
    ).toBe(false);
  });

  it('makes an agent Away once their last console has been closed for the grace; a reload does not', async () => {
    await start();
    const { alice, bob } = await desk();
    const other = await TestClient.connect(`${h.url}/agent`, { token: alice.token });
    alice.close();
    await h.idle();
    h.clock.advance(60_000);
    await h.idle();
    expect((await h.server.availability.entry(alice.agentId))?.state).toBe('available');

    // A reload: the last console closes and a new one connects within the grace.
    other.close();
    await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { online: false }));
    await h.idle();
    h.clock.advance(9_000);
    const reloaded = await TestClient.connect(`${h.url}/agent`, { token: alice.token });
    await h.idle();
    h.clock.advance(60_000);
    await h.idle();
    expect(await h.server.availability.entry(alice.agentId)).toMatchObject({
      state: 'available',
      online: true,
    });

    // Closed for good: Away after 10 s, and the next console makes them Available again.
    reloaded.close();
    await bob.waitFor<Agents>('availability:changed', second(says(alice.agentId, { online: false })));
    await h.idle();
    h.clock.advance(10_000);
    await bob.waitFor<Agents>('availability:changed', says(alice.agentId, { state: 'away', online: false }));
    const back = await TestClient.connect(`${h.url}/agent`, { token: alice.token });
    await bob.waitFor<Agents>(
      'availability:changed',
      says(alice.agentId, { state: 'available', online: true }),
    );

    // An Away the agent chose stays when their console closes and comes back.
    await back.ok('availability:set', { state: 'away' });
    back.close();
    await h.idle();
    h.clock.advance(10_000);
    await h.idle();
    const again = await TestClient.connect(`${h.url}/agent`, { token: alice.token });
    const snapshot = await again.waitFor<Agents>('availability:snapshot');
    expect(snapshot.agents.find((a) => a.agentId === alice.agentId)?.state).toBe('away');
  });
});
