import { afterEach, describe, expect, it } from 'vitest';
import { type AuditEntry, CALLBACK_GOT_THROUGH, type Call, type Callback } from '#shared';
import { ENGINES, freshDatabase } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';

type Changed = { callbacks: Callback[] };
type Client = Awaited<ReturnType<Harness['agent']>>;

describe.each(ENGINES)('callbacks on %s', (engine) => {
  const open: Harness[] = [];
  let h: Harness;
  const start = async (databaseUrl?: string) => {
    h = await startHarness({ engine, ...(databaseUrl ? { databaseUrl } : {}) });
    open.push(h);
    return h;
  };
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });

  /** An admin, Alice and Bob (agents), Ana's phone; everyone Away, so calls in find nobody. */
  async function desk() {
    const admin = await h.agent('root');
    const alice = await h.agent('alice', 'agent');
    const bob = await h.agent('bob', 'agent');
    const ana = await h.staff(admin, 'Ana');
    const phone = await h.phone(admin, ana.id);
    for (const c of [admin, alice, bob]) await c.ok('availability:set', { state: 'away' });
    return { admin, alice, bob, ana, phone };
  }

  /** Ana calls in and nobody is Available: resolves with the callback every console is told of. */
  async function missed(d: Awaited<ReturnType<typeof desk>>, watcher: Client = d.bob) {
    const call = await d.phone.ok<Call>('call:start', {});
    expect(call.endReason).toBe('noAgentAvailable');
    const { callbacks } = await watcher.waitFor<Changed>('callbacks:changed', (p) =>
      p.callbacks.some((c) => c.lastCallId === call.id),
    );
    return { call, callback: callbacks[0]! };
  }

  const trail = async (admin: Client) =>
    (await admin.ok<{ entries: AuditEntry[] }>('audit:query', { subject: 'callback' })).entries;

  it('queues an unanswered call as a callback every console sees; calling again counts on it', async () => {
    await start();
    const d = await desk();
    const first = await missed(d);
    expect(first.callback).toMatchObject({
      staffId: d.ana.id,
      staffName: 'Ana',
      state: 'open',
      missedCalls: 1,
      attempts: 0,
      claimedBy: null,
      firstCallAt: first.call.createdAt,
    });
    h.clock.advance(60_000);
    const again = await missed(d, d.alice);
    expect(again.callback).toMatchObject({
      id: first.callback.id,
      missedCalls: 2,
      lastCallAt: again.call.createdAt,
    });

    // A call that rang Alice, who declined it, is unanswered too.
    await d.alice.ok('availability:set', { state: 'available' });
    const rung = await d.phone.ok<Call>('call:start', {});
    await d.alice.waitFor('call:incoming', (p: { call: Call }) => p.call.id === rung.id);
    await d.alice.ok('call:decline', { callId: rung.id });
    await d.bob.waitFor<Changed>('callbacks:changed', (p) =>
      p.callbacks.some((c) => c.lastCallId === rung.id),
    );
    const { callbacks } = await d.bob.ok<Changed>('callbacks:list', {});
    expect(callbacks).toMatchObject([{ id: first.callback.id, missedCalls: 3 }]);
  });

  it('two agents claim one callback at once: exactly one gets it, the other is told who', async () => {
    await start();
    const d = await desk();
    const { callback } = await missed(d);
    const [a, b] = await Promise.all([
      d.alice.request('callback:claim', { callbackId: callback.id }),
      d.bob.request('callback:claim', { callbackId: callback.id }),
    ]);
    const won = [a, b].filter((r) => r.ok);
    expect(won).toHaveLength(1);
    const winner = a.ok ? 'alice' : 'bob';
    expect(a.ok ? b : a).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: `${winner} has claimed this callback` },
    });
    const stored = await h.storage.callbacks.get(callback.id);
    expect(stored).toMatchObject({ claimedByName: winner, claimedAt: h.clock.now() });
    expect(await trail(d.admin)).toMatchObject([
      { action: 'callback.claimed', actorName: winner, targetName: 'Ana' },
    ]);
  });

  it('its claimer calls back; it closes when that call is answered; others may not call back or close it', async () => {
    await start();
    const d = await desk();
    const { callback } = await missed(d);
    expect(await d.alice.request('callback:call', { callbackId: callback.id })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    await d.alice.ok('callback:claim', { callbackId: callback.id });
    expect(await d.bob.request('callback:call', { callbackId: callback.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });
    expect(
      await d.bob.request('callback:close', { callbackId: callback.id, reason: 'mine now' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    expect(await d.bob.request('callback:release', { callbackId: callback.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT' },
    });

    // A first try Ana does not pick up leaves it open, one attempt counted.
    const first = await d.alice.ok<{ callback: Callback; call: Call }>('callback:call', {
      callbackId: callback.id,
    });
    expect(first.callback).toMatchObject({ state: 'open', attempts: 1, lastAttemptAt: h.clock.now() });
    await d.alice.ok('call:hangup', { callId: first.call.id });
    h.clock.advance(120_000);
    const second = await d.alice.ok<{ callback: Callback; call: Call }>('callback:call', {
      callbackId: callback.id,
    });
    expect(second.callback.attempts).toBe(2);
    await d.phone.report(second.call.id, 'reported');
    await d.phone.report(second.call.id, 'answered');
    const closed = await d.bob.waitFor<Changed>('callbacks:changed', (p) =>
      p.callbacks.some((c) => c.id === callback.id && c.state === 'closed'),
    );
    expect(closed.callbacks[0]).toMatchObject({ closeReason: 'answered', closedBy: d.alice.agentId });
    expect((await d.bob.ok<Changed>('callbacks:list', {})).callbacks).toEqual([]);
    expect((await trail(d.admin)).map((e) => `${e.action} ${e.actorName} ${e.detail ?? ''}`)).toEqual([
      'callback.closed alice a call back was answered',
      'callback.claimed alice ',
    ]);
  });

  it('closes when the staff member calls in again and an agent answers: nobody calls back for nothing', async () => {
    await start();
    const d = await desk();
    const { callback } = await missed(d);
    await d.alice.ok('callback:claim', { callbackId: callback.id });
    await d.bob.ok('availability:set', { state: 'available' });
    h.clock.advance(30_000);
    const again = await d.phone.ok<Call>('call:start', {});
    await d.bob.waitFor('call:incoming', (p: { call: Call }) => p.call.id === again.id);
    await d.bob.ok('call:accept', { callId: again.id });
    const closed = await d.alice.waitFor<Changed>('callbacks:changed', (p) =>
      p.callbacks.some((c) => c.id === callback.id && c.state === 'closed'),
    );
    expect(closed.callbacks[0]).toMatchObject({
      closeReason: CALLBACK_GOT_THROUGH,
      closedBy: d.bob.agentId,
      closedAt: h.clock.now(),
      missedCalls: 1,
    });
    expect((await d.alice.ok<Changed>('callbacks:list', {})).callbacks).toEqual([]);
    expect((await trail(d.admin)).map((e) => `${e.action} ${e.actorName} ${e.detail ?? ''}`)).toEqual([
      `callback.closed bob ${CALLBACK_GOT_THROUGH}`,
      'callback.claimed alice ',
    ]);
  });

  it('is closed by hand with a reason: by its claimer, by anyone while unclaimed, by an admin always', async () => {
    await start();
    const d = await desk();
    const { callback } = await missed(d);
    await d.alice.ok('callback:claim', { callbackId: callback.id });
    // Given back, Bob may take it; then only he (or an admin) may close it.
    await d.alice.ok('callback:release', { callbackId: callback.id });
    await d.bob.ok('callback:claim', { callbackId: callback.id });
    expect(
      await d.alice.request('callback:close', { callbackId: callback.id, reason: 'done' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'bob claimed this callback: only an admin may close it' },
    });
    expect(await d.bob.request('callback:close', { callbackId: callback.id, reason: '  ' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    const closed = await d.admin.ok<Callback>('callback:close', {
      callbackId: callback.id,
      reason: 'wrong number',
    });
    expect(closed).toMatchObject({ state: 'closed', closeReason: 'wrong number', closedBy: d.admin.agentId });
    expect(await d.bob.request('callback:claim', { callbackId: callback.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: 'this callback is already closed' },
    });
    expect((await trail(d.admin)).map((e) => `${e.action} ${e.actorName} ${e.detail ?? ''}`)).toEqual([
      'callback.closed root wrong number',
      'callback.claimed bob ',
      'callback.released alice ',
      'callback.claimed alice ',
    ]);

    // Ana calls again: a new callback, which anyone may close while nobody has claimed it.
    const next = await missed(d);
    expect(next.callback.id).not.toBe(callback.id);
    await d.alice.ok('callback:close', { callbackId: next.callback.id, reason: 'she wrote instead' });
  });

  it('survives a restart: the queue and who claimed what are in the database', async () => {
    const db = await freshDatabase(engine);
    await start(db.url);
    const d = await desk();
    const { callback } = await missed(d);
    await d.alice.ok('callback:claim', { callbackId: callback.id });
    await h.close();
    open.pop();

    await start(db.url);
    const alice = await h.agent('alice', 'agent');
    expect((await alice.ok<Changed>('callbacks:list', {})).callbacks).toMatchObject([
      { id: callback.id, claimedByName: 'alice', missedCalls: 1, state: 'open' },
    ]);
    await h.close();
    open.pop();
    await db.dispose();
  });
});
