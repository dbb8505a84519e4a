import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ack, Call, RtcIce, RtcSignal, SoftphoneStatus, StaffEntry } from '#shared';
import { type ConsoleVoice, energyOver, eventually, voiceFor } from '../../../test-support/console-voice';
import { type Harness, startHarness } from '../../../test-support/harness';
import { TestClient } from '../../../test-support/socket-client';
import { inProcessNetwork, VirtualPhone } from '../src';
import type { MediaStats } from '../src/media';

type Changed = { call: Call };

/**
 * Issue 26 items 1 and 2 on real media: the console's own voice controller (@roamhq/wrtc) and a
 * virtual phone in media mode, through a real server. The agent's network drops mid-call; the
 * softphone moves from one console page to another mid-call.
 */
describe('the softphone keeps the call’s audio', () => {
  let h: Harness;
  let agent: TestClient & { agentId: string; token: string };
  let ana: StaffEntry;
  let phone: VirtualPhone;
  const voices: ConsoleVoice[] = [];

  beforeEach(async () => {
    h = await startHarness();
    agent = await h.agent('alice');
    ana = await h.staff(agent, 'Ana');
    phone = new VirtualPhone({
      server: h.url,
      network: inProcessNetwork(h.emulator!),
      behaviour: { answerAfterMs: 0 },
      clock: h.clock,
      media: { toneHz: 440 },
    });
    const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId: ana.id });
    await phone.pair(code);
    await phone.start();
  });
  afterEach(async () => {
    for (const v of voices.splice(0)) v.close(false);
    await phone.close();
    await h.close();
  });

  /** As the console's requests do (api/request.ts): asked while disconnected, they fail at once. */
  const consoleRequests = (on: TestClient, callId: string) => {
    const now = <T>(send: () => Promise<Ack<T>>): Promise<Ack<T>> =>
      on.socket.connected
        ? send()
        : Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not connected' } });
    return {
      fetchIce: () => now(() => on.request<RtcIce>('rtc:ice', { callId })),
      send: (signal: RtcSignal) => now(() => on.request<null>('rtc:signal', { callId, signal })),
    };
  };

  async function answeredCall(on: TestClient = agent) {
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.answeredByDeviceId !== null,
    );
    const voice = voiceFor(on, call.id, consoleRequests(on, call.id));
    voices.push(voice);
    await voice.controller.start();
    await voice.until((s) => s.phase === 'connected');
    return { call, voice };
  }
  const phoneHeard = async (id: string) => {
    const s = (await phone.mediaStats(id)) as MediaStats;
    return { frames: s.frames, energy: s.energy };
  };
  async function phoneEnergyOver(id: string, frames = 40) {
    const start = await phoneHeard(id);
    let last = start;
    await eventually(async () => {
      last = await phoneHeard(id);
      return last.frames >= start.frames + frames;
    }, 'audio frames on the phone');
    return last.energy - start.energy;
  }
  const heardBy = (voice: ConsoleVoice) => () => ({
    frames: voice.listener?.frames ?? 0,
    energy: voice.listener?.energy ?? 0,
  });

  it('re-offers, once the socket is back, the ICE restart the phone never got while it was away', async () => {
    const { call, voice } = await answeredCall();
    agent.socket.disconnect();
    // The browser goes online before the socket reconnects: the restart's offer cannot be sent.
    await voice.controller.restartIce();
    expect(voice.peer?.signalingState).toBe('have-local-offer');

    const back = new Promise<void>((resolve) => agent.socket.once('connect', () => resolve()));
    agent.socket.connect();
    await back;
    voice.controller.signalingBack();
    await eventually(() => voice.peer?.signalingState === 'stable', 'the phone’s answer to the restart');
    expect(voice.controller.snapshot.restarts).toBe(2);
    expect(await energyOver(heardBy(voice))).toBeGreaterThan(0.001);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
    // A connected voice whose offers all arrived has nothing to redo.
    voice.controller.signalingBack();
    expect(voice.controller.snapshot.restarts).toBe(2);
    expect(phone.calls.get(call.id)?.state).toBe('connected');
  });

  it('moves the audio to the page that takes the softphone, mid-call, and refuses the old page’s media', async () => {
    const other = await TestClient.connect(`${h.url}/agent`, { token: agent.token });
    await other.waitFor('roster:snapshot');
    const { call, voice } = await answeredCall(agent);

    await other.ok<SoftphoneStatus>('softphone:take', {});
    await agent.waitFor<SoftphoneStatus>(
      'softphone:changed',
      (s) => s.consoleId !== null && s.label === 'Console',
    );
    // The page that lost the softphone lets its voice go without a bye: the call goes on.
    voice.close(false);
    expect((await agent.request('rtc:ice', { callId: call.id })).ok).toBe(false);
    const moved = voiceFor(other, call.id, { toneHz: 660, ...consoleRequests(other, call.id) });
    voices.push(moved);
    await moved.controller.start();
    await moved.until((s) => s.phase === 'connected');
    expect(await energyOver(heardBy(moved))).toBeGreaterThan(0.001);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
    expect(phone.calls.get(call.id)?.state).toBe('connected');
    other.close();
  });
});
