import { afterEach, describe, expect, it } from 'vitest';
import type { Call } from '#shared';
import { inbox } from '../../test-support/apns-inbox';
import { ENGINES, freshDatabase } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

describe.each(ENGINES)('server restart on %s', (engine) => {
  const open: Harness[] = [];
  afterEach(async () => {
    for (const h of open.splice(0).reverse()) await h.close();
  });

  it('ends calls left ringing as failed, saying why, and cancels them on the phones', async () => {
    const db = await freshDatabase(engine);
    const first = await startHarness({ databaseUrl: db.url });
    const agent = await first.agent('alice');
    const ana = await first.staff(agent);
    const phone = await first.phone(agent, ana.id);
    const pushes = inbox(first.emulator!, phone.voipToken);
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'reported');
    await pushes.next((p) => p.kind === 'call');
    await first.idle();
    // The process goes away with the call still ringing (close does not end calls).
    const emulator = { instance: first.emulator!, key: first.key };
    agent.close();
    phone.close();
    await first.server.close();

    const second = await startHarness({ databaseUrl: db.url, emulator });
    open.push(second);
    const after = await second.storage.calls.get(call.id);
    expect(after).toMatchObject({ state: 'ended', endReason: 'failed' });
    expect(after?.timeline.map((e) => e.detail)).toContain('the server restarted before the call finished');
    await expect(pushes.next((p) => p.kind === 'cancel')).resolves.toMatchObject({
      callId: call.id,
      reason: 'failed',
    });
    // Once: a second cancel push for a call already ended would be a phantom call on the iPhone
    // (every VoIP push must be reported to CallKit). The recovery of lost cancels must not also
    // pick up the call this restart has just ended and cancelled.
    await second.idle();
    expect(pushes.pushes.filter((p) => p.kind === 'cancel' && p.callId === call.id)).toHaveLength(1);
    // The phone, waking, learns the same from call:sync; a stranger learns nothing.
    const woken = await TestClient.connect(`${second.url}/device`, {
      deviceId: phone.deviceId,
      secret: phone.deviceSecret,
    });
    expect(await woken.ok('call:sync', { callIds: [call.id] })).toEqual({
      live: [],
      ended: [{ callId: call.id, endReason: 'failed' }],
    });
    woken.close();
    const stranger = await second.phone(await second.agent('alice'), ana.id);
    expect(await stranger.ok('call:sync', { callIds: [call.id] })).toEqual({
      live: [],
      ended: [{ callId: call.id, endReason: null }],
    });
    await second.close();
    open.pop();
    await db.dispose();
  });
});
