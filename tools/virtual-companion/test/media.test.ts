import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry } from '#shared';
import type { TrackLike } from '../../../desktop/renderer/src/features/call/voice/peer';
import { type ConsoleVoice, energyOver, eventually, voiceFor } from '../../../test-support/console-voice';
import { type Harness, startHarness } from '../../../test-support/harness';
import type { TestClient } from '../../../test-support/socket-client';
import { inProcessNetwork, VirtualPhone } from '../src';
import { Tone } from '../src/audio';
import type { MediaStats } from '../src/media';

type Changed = { call: Call };

const SILENT = 1e-6;

describe('voice: the console’s controller and a virtual phone in media mode, through the server', () => {
  let h: Harness;
  let agent: TestClient & { agentId: string };
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

  /** Places a call Ana's phone answers and starts the console's voice once it is answered. */
  async function answeredCall() {
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.answeredByDeviceId !== null,
    );
    const voice = voiceFor(agent, call.id);
    voices.push(voice);
    await voice.controller.start();
    return { call, voice };
  }
  const phoneStats = (id: string) => phone.mediaStats(id) as Promise<MediaStats>;
  const phoneHeard = async (id: string) => {
    const s = await phoneStats(id);
    return { frames: s.frames, energy: s.energy };
  };
  const consoleHeard = (voice: ConsoleVoice) => () => ({
    frames: voice.listener?.frames ?? 0,
    energy: voice.listener?.energy ?? 0,
  });
  /** `energyOver` for the phone's side, whose numbers come from an async read. */
  async function phoneEnergyOver(id: string, frames = 40) {
    let last = await phoneHeard(id);
    const start = last;
    await eventually(async () => {
      last = await phoneHeard(id);
      return last.frames >= start.frames + frames;
    }, 'audio frames on the phone');
    return last.energy - start.energy;
  }

  it('two-way audio: RTP bytes and energy rise on both sides, and the quality is measured', async () => {
    const { call, voice } = await answeredCall();
    await voice.until((s) => s.phase === 'connected');
    await eventually(async () => (await phoneStats(call.id)).energy > 0, 'the console’s tone on the phone');
    await eventually(() => (voice.listener?.energy ?? 0) > 0, 'the phone’s tone on the console');
    // getStats answers from a cache for a few tens of ms: wait for a report taken after the audio.
    await eventually(
      async () => (await phoneStats(call.id)).bytesReceived > 0,
      'inbound RTP bytes on the phone',
    );
    expect((await phoneStats(call.id)).candidateType).toBe('host');
    const inbound: number[] = [];
    (await voice.peer!.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') inbound.push(Number(s.bytesReceived));
    });
    expect(inbound[0]).toBeGreaterThan(0);
    const measured = await voice.until((s) => s.quality !== null && s.quality.rttMs !== null);
    expect(measured.quality).toMatchObject({ level: 'good', warnings: [] });
    expect(measured.quality!.rttMs).toBeLessThan(100);
  });

  it('a call from the phone, accepted by the agent, turns Connected once its media connects', async () => {
    const placed = await phone.placeCall();
    await agent.waitFor('call:incoming', (p: { call: Call }) => p.call.id === placed.id);
    await agent.ok('call:accept', { callId: placed.id });
    const voice = voiceFor(agent, placed.id);
    voices.push(voice);
    await voice.controller.start();
    await voice.until((s) => s.phase === 'connected');
    // Answering is not connecting: the phone says `connected` when its media does, as the app does.
    const { call } = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === placed.id && p.call.state === 'active',
    );
    expect(call.timeline.map((e) => e.event)).toContain('connected');
    await eventually(() => (voice.listener?.energy ?? 0) > 0, 'the phone’s tone on the console');
  });

  it('mute stops the agent’s voice reaching the phone and the phone’s mute stops Ana’s; both come back', async () => {
    const { call, voice } = await answeredCall();
    await eventually(async () => (await phoneStats(call.id)).level > 0.01, 'the console heard on the phone');
    voice.controller.setMuted(true);
    await eventually(async () => (await phoneStats(call.id)).level < 0.002, 'silence on the phone');
    expect(await phoneEnergyOver(call.id)).toBeLessThan(SILENT);
    // Ana still reaches the console meanwhile: mute is one direction.
    expect(await energyOver(consoleHeard(voice))).toBeGreaterThan(0.001);
    voice.controller.setMuted(false);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);

    await phone.mute(call.id, true);
    await eventually(() => (voice.listener?.level ?? 1) < 0.002, 'silence on the console');
    expect(await energyOver(consoleHeard(voice))).toBeLessThan(SILENT);
    await phone.mute(call.id, false);
    expect(await energyOver(consoleHeard(voice))).toBeGreaterThan(0.001);
  });

  it('a track sent instead of the microphone (a barging supervisor’s mix) reaches the phone on the same peer', async () => {
    const { call, voice } = await answeredCall();
    await eventually(async () => (await phoneStats(call.id)).level > 0.01, 'the console heard on the phone');
    const peer = voice.peer;
    voice.controller.setMuted(true);
    await eventually(async () => (await phoneStats(call.id)).level < 0.002, 'silence on the phone');
    // The agent's mute is the microphone's: the mix (its own sources) still goes out.
    const mix = new Tone(660);
    try {
      await voice.controller.sendInstead(mix.track as TrackLike);
      expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
      // Hold silences the mix as it silences the microphone.
      voice.controller.setHeld(true);
      await eventually(async () => (await phoneStats(call.id)).level < 0.002, 'silence on hold');
      voice.controller.setHeld(false);
      expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
      // Back to the (still muted) microphone, then unmuted: heard again, without renegotiating.
      await voice.controller.sendInstead(null);
      await eventually(async () => (await phoneStats(call.id)).level < 0.002, 'the muted microphone');
      voice.controller.setMuted(false);
      expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
      expect(voice.peer).toBe(peer);
      expect(voice.controller.snapshot.restarts).toBe(0);
    } finally {
      mix.stop();
    }
  });

  it('hold stops both directions (the phone follows the call’s state), and resume restores them', async () => {
    const { call, voice } = await answeredCall();
    await eventually(() => (voice.listener?.level ?? 0) > 0.01, 'the phone heard on the console');
    const held = await agent.ok<Call>('call:hold', { callId: call.id, on: true });
    expect(held.held).toBe(true);
    voice.controller.setHeld(true);
    await eventually(
      async () => (await phoneStats(call.id)).sending === false,
      'the phone to follow the hold',
    );
    await eventually(() => (voice.listener?.level ?? 1) < 0.002, 'silence on the console');
    await eventually(async () => (await phoneStats(call.id)).level < 0.002, 'silence on the phone');
    expect(await energyOver(consoleHeard(voice))).toBeLessThan(SILENT);
    expect(await phoneEnergyOver(call.id)).toBeLessThan(SILENT);

    await agent.ok('call:hold', { callId: call.id, on: false });
    voice.controller.setHeld(false);
    expect(await energyOver(consoleHeard(voice))).toBeGreaterThan(0.001);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
  });

  it('an ICE restart keeps the call: new ICE credentials, fresh servers, audio after it', async () => {
    const { call, voice } = await answeredCall();
    await voice.until((s) => s.phase === 'connected');
    const offers: string[] = [];
    phone.on('ended', () => offers.push('ended'));
    await voice.controller.restartIce();
    expect(voice.controller.snapshot.restarts).toBe(1);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
    expect(await energyOver(consoleHeard(voice))).toBeGreaterThan(0.001);
    expect(offers).toEqual([]);
  });

  it('a console that reloads mid-call starts a new peer connection; the phone follows it', async () => {
    const { call, voice } = await answeredCall();
    await eventually(async () => (await phoneStats(call.id)).energy > 0, 'audio on the phone');
    voice.close(false);
    const again = voiceFor(agent, call.id, { toneHz: 660 });
    voices.push(again);
    await again.controller.start();
    await again.until((s) => s.phase === 'connected');
    expect(await energyOver(consoleHeard(again))).toBeGreaterThan(0.001);
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
    expect(phone.calls.get(call.id)?.state).toBe('connected');
  });

  it('the agent’s hang-up closes both peer connections, and ends the call as the agent’s', async () => {
    const { call, voice } = await answeredCall();
    await voice.until((s) => s.phase === 'connected');
    voice.controller.close({ bye: false });
    await agent.ok('call:hangup', { callId: call.id });
    expect(voice.peer!.connectionState).toBe('closed');
    await eventually(
      async () => (await phoneStats(call.id)).connectionState === 'closed',
      'the phone’s peer closed',
    );
    expect(phone.calls.get(call.id)?.state).toBe('ended');
    await h.idle();
    expect((await h.storage.calls.get(call.id))?.endReason).toBe('completed');
    expect((await h.storage.calls.get(call.id))?.timeline.find((e) => e.event === 'hangup')?.source).toBe(
      'agent',
    );
  });

  it('the phone hanging up says bye: the console’s peer closes at once', async () => {
    const { call, voice } = await answeredCall();
    await voice.until((s) => s.phase === 'connected');
    await phone.hangup(call.id);
    await voice.until((s) => s.phase === 'ended');
    expect(voice.peer!.connectionState).toBe('closed');
    const ended = await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.state === 'ended',
    );
    expect(ended.call.timeline.find((e) => e.event === 'hangup')?.source).toBe('device');
  });

  it('a refused microphone still lets the agent hear the phone, and Retry adds it without renegotiating', async () => {
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>(
      'call:changed',
      (p) => p.call.id === call.id && p.call.answeredByDeviceId !== null,
    );
    let allowed = false;
    const voice = voiceFor(agent, call.id, { microphone: () => (allowed ? 'tone' : 'blocked') });
    voices.push(voice);
    await voice.controller.start();
    expect(voice.controller.snapshot).toMatchObject({
      microphone: 'blocked',
      microphoneError: 'Permission denied',
    });
    expect(await energyOver(consoleHeard(voice))).toBeGreaterThan(0.001);
    expect(await phoneEnergyOver(call.id)).toBeLessThan(SILENT);
    allowed = true;
    await voice.controller.retryMicrophone();
    expect(voice.controller.snapshot.microphone).toBe('on');
    expect(await phoneEnergyOver(call.id)).toBeGreaterThan(0.001);
  });
});
