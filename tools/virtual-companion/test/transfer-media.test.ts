import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import { type ConsoleVoice, energyOver, eventually, voiceFor } from '../../../test-support/console-voice';
import { type ConsultVoice, consultFor } from '../../../test-support/consult-voice';
import { type Harness, startHarness } from '../../../test-support/harness';
import type { TestClient } from '../../../test-support/socket-client';
import { inProcessNetwork, VirtualPhone } from '../src';
import type { MediaStats } from '../src/media';

type Changed = { call: Call };
const SILENT = 1e-6;
const AUDIBLE = 0.001;

/**
 * A transfer's media, for real: consoles' own voice classes on @roamhq/wrtc and a virtual phone in
 * media mode, through the server. The phone keeps its one call; the new console's first offer (a
 * new SDP session) makes it replace its peer, and the sound is then between it and the new agent.
 */
describe('voice: a transferred call moves the phone’s media to the new console', () => {
  let h: Harness;
  let alice: TestClient & { agentId: string };
  let bob: TestClient & { agentId: string };
  let ana: StaffEntry;
  let phone: VirtualPhone;
  const closers: (ConsoleVoice | ConsultVoice)[] = [];

  beforeEach(async () => {
    h = await startHarness();
    alice = await h.agent('alice');
    bob = await h.agent('bob');
    ana = await h.staff(alice, 'Ana');
    phone = new VirtualPhone({
      server: h.url,
      network: inProcessNetwork(h.emulator!),
      behaviour: { answerAfterMs: 0 },
      clock: h.clock,
      media: { toneHz: 440 },
    });
    const { code } = await alice.ok<{ code: string }>('pairing:create', { staffId: ana.id });
    await phone.pair(code);
    await phone.start();
  });
  afterEach(async () => {
    for (const v of closers.splice(0)) v.close();
    await phone.close();
    await h.close();
  });

  async function talking() {
    const call = await alice.ok<Call>('call:place', { staffId: ana.id });
    await alice.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.answeredByDeviceId !== null,
    );
    const voice = voiceFor(alice, call.id, { toneHz: 880 });
    closers.push(voice);
    await voice.controller.start();
    await voice.until((s) => s.phase === 'connected');
    return { call, voice };
  }
  const heard = (voice: ConsoleVoice) => () => ({
    frames: voice.listener?.frames ?? 0,
    energy: voice.listener?.energy ?? 0,
  });
  const phoneStats = (id: string) => phone.mediaStats(id) as Promise<MediaStats>;
  async function phoneEnergyOver(id: string, frames = 40) {
    const start = await phoneStats(id);
    let last = start;
    await eventually(async () => {
      last = await phoneStats(id);
      // A replaced peer counts its frames from zero: wait for enough on whichever peer is current.
      return last.frames >= (last.frames < start.frames ? 0 : start.frames) + frames;
    }, 'audio frames on the phone');
    return last.frames < start.frames ? last.energy : last.energy - start.energy;
  }

  it('blind: the new agent’s console offers, the phone replaces its peer, and they hear each other', async () => {
    const { call, voice } = await talking();
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'blind' });
    // Still ringing Bob: Alice and the phone go on talking.
    expect(await energyOver(heard(voice))).toBeGreaterThan(AUDIBLE);
    await bob.ok('transfer:accept', { callId: call.id });
    // Alice's console drops its side when the call leaves it (the call panel stops its voice).
    await alice.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.agentId === bob.agentId,
    );
    voice.close(false);

    const bobs = voiceFor(bob, call.id, { toneHz: 660 });
    closers.push(bobs);
    await bobs.controller.start();
    await bobs.until((s) => s.phase === 'connected');
    expect(await energyOver(heard(bobs))).toBeGreaterThan(AUDIBLE);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(AUDIBLE);
    // One call on the phone all along, never ended or rung again.
    expect([...phone.calls.keys()]).toEqual([call.id]);
    expect(phone.calls.get(call.id)?.history).toEqual(['reported', 'answered', 'connected']);
  });

  it('warm: the phone is held while the two consoles talk, then hears the new agent once completed', async () => {
    const { call, voice } = await talking();
    await alice.ok('transfer:start', { callId: call.id, toAgentId: bob.agentId, kind: 'warm' });
    // The phone follows the hold: it stops sending, and the console silences its own side.
    voice.controller.setHeld(true);
    await eventually(async () => (await phoneStats(call.id)).sending === false, 'the phone to hold');
    expect(phone.calls.get(call.id)?.held).toBe(true);
    await bob.ok('transfer:accept', { callId: call.id });
    const offerer = consultFor(alice, call.id, 'offerer', 1000);
    const answerer = consultFor(bob, call.id, 'answerer', 330);
    closers.push(offerer, answerer);
    await answerer.start();
    await offerer.start();
    await Promise.all([offerer.connected(), answerer.connected()]);
    // The two agents hear each other; the person on hold hears nothing.
    expect(await energyOver(() => answerer.heard)).toBeGreaterThan(AUDIBLE);
    expect(await energyOver(() => offerer.heard)).toBeGreaterThan(AUDIBLE);
    expect(await phoneEnergyOver(call.id)).toBeLessThan(SILENT);

    await alice.ok('transfer:complete', { callId: call.id });
    offerer.close();
    answerer.close();
    voice.close(false);
    await eventually(async () => (await phoneStats(call.id)).sending === true, 'the phone off hold');
    const bobs = voiceFor(bob, call.id, { toneHz: 660 });
    closers.push(bobs);
    await bobs.controller.start();
    await bobs.until((s) => s.phase === 'connected');
    expect(await energyOver(heard(bobs))).toBeGreaterThan(AUDIBLE);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(AUDIBLE);
    // One call all along, shown on hold for the consultation, as CallKit shows it.
    expect(phone.calls.get(call.id)).toMatchObject({ state: 'connected', held: false });
    expect(phone.calls.get(call.id)?.history).toEqual([
      'reported',
      'answered',
      'connected',
      'held',
      'resumed',
    ]);
  });
});
