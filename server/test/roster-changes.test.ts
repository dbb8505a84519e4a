import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { ENGINES } from '../../test-support/databases';
import { type Harness, startHarness } from '../../test-support/harness';

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
});
