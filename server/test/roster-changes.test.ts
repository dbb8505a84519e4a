import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';

type Roster = { staff: StaffEntry[] };

/**
 * The roster is broadcast when what it shows changes, not on every change of a call: of a call, it
 * shows only which phones are busy (the answering party of a live call). Each broadcast reads the
 * staff member and their phones from the database, so a setup's other changes must not send one.
 */
describe.each(ENGINES)('roster broadcasts of a call on %s', (engine) => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ engine });
  });
  afterEach(async () => {
    await h.close();
  });

  it("a call's setup sends the roster twice: its phone busy, then free again", async () => {
    const agent = await h.agent('alice');
    const ana: StaffEntry = await h.staff(agent, 'Ana');
    const phone = await h.phone(agent, ana.id);
    // Every broadcast is out once the server is idle; a request's ack then comes after all of them.
    await h.idle();
    await agent.ok('call:sync', { callIds: [] });
    const presenceIn = (r: Roster) =>
      r.staff.find((s) => s.id === ana.id)?.devices.find((d) => d.id === phone.deviceId)?.presence;
    const presences = () =>
      agent
        .eventsNamed<Roster>('roster:changed')
        .map(presenceIn)
        .filter((p) => p !== undefined);
    const before = presences().length;

    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await phone.report(call.id, 'reported');
    await phone.report(call.id, 'answered');
    await phone.report(call.id, 'connected');
    // Broadcasts within 100 ms of each other go together, as the roster is by then: settling sends
    // the busy phone before the hang-up frees it.
    await h.idle();
    await agent.ok<Call>('call:hangup', { callId: call.id });
    await h.idle();
    await agent.ok('call:sync', { callIds: [] });
    expect(presences().slice(before)).toEqual(['busy', 'online']);
  });

  it('each phone carries what its app announced when it last connected (the console offers video by it)', async () => {
    const agent = await h.agent('alice');
    const ana: StaffEntry = await h.staff(agent, 'Ana');
    const camera = await h.phone(agent, ana.id, { token: false, features: ['video'] });
    const older = await h.phone(agent, ana.id, { token: false });
    const featuresIn = (r: Roster, deviceId: string) =>
      r.staff.find((s) => s.id === ana.id)?.devices.find((d) => d.id === deviceId)?.features;
    const announced = (deviceId: string, features: string[]) => (r: Roster) =>
      JSON.stringify(featuresIn(r, deviceId)) === JSON.stringify(features);
    await agent.waitFor<Roster>('roster:changed', announced(camera.deviceId, ['video']));
    await agent.waitFor<Roster>('roster:changed', announced(older.deviceId, []));

    // The app is updated: its next handshake announces video, and the roster follows.
    older.close();
    const updated = await TestClient.connect(`${h.url}/device`, {
      deviceId: older.deviceId,
      secret: older.deviceSecret,
      features: ['video'],
    });
    try {
      await agent.waitFor<Roster>('roster:changed', announced(older.deviceId, ['video']));
    } finally {
      updated.close();
    }
    // A console that connects later reads it from storage, offline phones included.
    await h.idle();
    const late = await h.agent('alice');
    const [snapshot] = late.eventsNamed<Roster>('roster:snapshot');
    expect(featuresIn(snapshot!, older.deviceId)).toEqual(['video']);
    expect(featuresIn(snapshot!, camera.deviceId)).toEqual(['video']);
  });
});
