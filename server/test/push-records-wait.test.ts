import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { type Harness, startHarness } from '../../test-support/harness';
import type { TestClient } from '../../test-support/socket-client';
import type { PushGateway, PushRequest } from '../src/push/types';

type Changed = { call: Call };

/**
 * APNs' answers go on the call with its next change when one comes within `RECORDS_WAIT_MS` (the
 * phone's report of the ring, as a rule), not in a write and a `call:changed` of their own; a call
 * that does not change meanwhile gets them in a write of their own, and a server that stops or
 * settles (`idle`) writes them at once.
 */
describe('APNs answers waiting for the call’s next change', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  /**
   * A harness whose gateway says when APNs' answer to a call push is in the server's hands; with
   * `hold`, it sends nothing before `release()`.
   */
  async function start(o: { hold?: boolean } = {}) {
    let answered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => {
      answered = resolve;
    });
    let release!: () => void;
    const gate = o.hold ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    h = await startHarness({
      wrapPush: (gateway) =>
        Object.assign(Object.create(gateway) as PushGateway, {
          send: async (req: PushRequest) => {
            await gate;
            return gateway.send({
              ...req,
              onAttempt: (result) => {
                req.onAttempt?.(result);
                answered();
              },
            });
          },
        }),
    });
    const agent = await h.agent('boss');
    const ana = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    if (!o.hold) await firstAnswer;
    return { agent, phone, call, firstAnswer, release: () => release() };
  }

  /** What the console heard of `callId` (state and APNs answers), once all sent before arrived. */
  async function heard(agent: TestClient, callId: string) {
    await agent.ok('call:sync', { callIds: [callId] }); // one socket's frames keep their order
    return agent
      .eventsNamed<Changed>('call:changed')
      .filter((p) => p.call.id === callId)
      .map((p) => `${p.call.state} ${p.call.pushes.length}`);
  }

  it('goes with the phone’s report of the ring: no change of its own', async () => {
    const { agent, phone, call } = await start();
    const ack = await phone.report(call.id, 'reported');
    if (!ack.ok) throw new Error(ack.error.message);
    expect((ack.data as Call).pushes.map((p) => [p.kind, p.outcome])).toEqual([['call', 'accepted']]);
    // Before, the answer was a change of its own: `dialing 1` between the two.
    expect(await heard(agent, call.id)).toEqual(['dialing 0', 'ringing 1']);
    const stored = await h.storage.calls.get(call.id);
    expect(stored?.pushes).toHaveLength(1);
  });

  it('is written on its own when the call does not change meanwhile', async () => {
    const { agent, call } = await start();
    const changed = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.pushes.length === 1,
    );
    expect(changed.call.state).toBe('dialing');
    expect((await h.storage.calls.get(call.id))?.pushes).toHaveLength(1);
  });

  it('taken by a repeated hang-up of the ended call, does not count the call’s end twice', async () => {
    const { agent, call, firstAnswer, release } = await start({ hold: true });
    const ended = await agent.ok<Call>('call:hangup', { callId: call.id });
    expect(ended.endReason).toBe('cancelled');
    // The call push's answer comes after the end, and waits for a change to take it: a hang-up
    // again (a harmless repeat) takes it, and stores the call with it.
    release();
    await firstAnswer;
    const again = await agent.ok<Call>('call:hangup', { callId: call.id });
    expect(again.pushes).toHaveLength(1);
    await h.idle();
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toContain('switchboard_calls_total{outcome="cancelled",direction="outbound"} 1');
  });

  it('is written at once when the server settles', async () => {
    const { call } = await start();
    await h.idle();
    expect((await h.storage.calls.get(call.id))?.pushes).toHaveLength(1);
  });
});
