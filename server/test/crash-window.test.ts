import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { freshDatabase } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import type { PushGateway, PushRequest, PushResult } from '../src';

/**
 * Issue 10 item 6 and soak finding F1: a server that dies with a push in flight. Each test stops
 * the first server at an exact point in the push path (a hook in its gateway, not a sleep), then
 * starts a second one on the same database, as a restart after kill -9 would.
 */
describe('a server that dies with a push in flight', () => {
  const open: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const h of open.splice(0).reverse()) await h.close();
  });

  /** A gateway that sends `kind` pushes to APNs and then never reports back: the process died. */
  function dieAfterSending(kind: PushRequest['kind']) {
    const frozen: (() => void)[] = [];
    const wrap = (gateway: PushGateway): PushGateway => ({
      get lastConfigError() {
        return gateway.lastConfigError;
      },
      close: () => gateway.close(),
      async send(req) {
        const result = await gateway.send(req);
        if (req.kind !== kind) return result;
        // APNs took it; the server is gone before it could record that.
        return new Promise<PushResult>((resolve) => frozen.push(() => resolve(result)));
      },
    });
    return {
      wrap,
      thaw: () => {
        for (const f of frozen.splice(0)) f();
      },
    };
  }

  async function twoServers(kind: PushRequest['kind']) {
    const db = await freshDatabase('sqlite');
    const hook = dieAfterSending(kind);
    const first = await startHarness({ databaseUrl: db.url, wrapPush: hook.wrap });
    open.push({ close: () => db.dispose() });
    // The dead server is closed last, once its frozen pushes are let go.
    open.push({
      close: async () => {
        hook.thaw();
        await first.close();
      },
    });
    const restart = async () => {
      const second: Harness = await startHarness({
        databaseUrl: db.url,
        emulator: { instance: first.emulator!, key: first.key },
      });
      open.push(second);
      return second;
    };
    return { first, restart };
  }

  it('cancels after the restart a call push that APNs took but the server never recorded', async () => {
    const { first, restart } = await twoServers('call');
    const agent = await first.agent();
    const ana = await first.staff(agent);
    const phone = await first.phone(agent, ana.id);
    phone.close(); // in the background: it only learns by push
    const pushes = inbox(first.emulator!, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call' && p.callId === call.id);

    await restart();
    await expect(pushes.next((p) => p.kind === 'cancel')).resolves.toMatchObject({
      callId: call.id,
      reason: 'failed',
    });
  });

  it('sends again after the restart a cancel that APNs never confirmed before the crash', async () => {
    const { first, restart } = await twoServers('cancel');
    const agent = await first.agent();
    const ana = await first.staff(agent);
    const phone = await first.phone(agent, ana.id);
    phone.close();
    const pushes = inbox(first.emulator!, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await pushes.next((p) => p.kind === 'call');
    await first.idle();
    await agent.ok('call:hangup', { callId: call.id });
    await pushes.next((p) => p.kind === 'cancel');
    // The cancel's answer never reached the call: for the database, the phone was never told.

    const second = await restart();
    await second.idle();
    const cancels = pushes.pushes.filter((p) => p.kind === 'cancel' && p.callId === call.id);
    expect(cancels).toHaveLength(2);
    const stored = await second.storage.calls.get(call.id);
    expect(stored?.pushes.some((p) => p.kind === 'cancel' && p.outcome === 'accepted')).toBe(true);
  });
});
