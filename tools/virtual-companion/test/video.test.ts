import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Call, StaffEntry, VideoState } from '#shared';
import {
  type ConsoleVoice,
  energyOver,
  eventually,
  videoFor,
  voiceFor,
} from '../../../test-support/console-voice';
import { type Harness, startHarness } from '../../../test-support/harness';
import type { TestClient } from '../../../test-support/socket-client';
import { inProcessNetwork, VirtualPhone } from '../src';
import type { MediaStats } from '../src/media';

type Changed = { call: Call };

/**
 * Video on a voice call between the console's own controller and link (in Node) and the virtual
 * phone's synthetic camera, through the real server (issue 27): an upgrade and a downgrade are
 * re-offers on the same peer connection, and the audio keeps flowing across both.
 */
describe('video: an upgrade and a downgrade on the call’s own peer connection', () => {
  let h: Harness;
  let agent: TestClient & { agentId: string };
  let ana: StaffEntry;
  let phone: VirtualPhone;
  const closers: (() => void)[] = [];

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
      video: 'accept',
    });
    const { code } = await agent.ok<{ code: string }>('pairing:create', { staffId: ana.id });
    await phone.pair(code);
    await phone.start();
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await phone.close();
    await h.close();
  });

  const phoneStats = (id: string) => phone.mediaStats(id) as Promise<MediaStats>;
  const consoleHeard = (voice: ConsoleVoice) => () => ({
    frames: voice.listener?.frames ?? 0,
    energy: voice.listener?.energy ?? 0,
  });

  it('the phone’s camera reaches the console, a marker reaches the phone, and voice never stops', async () => {
    const call = await agent.ok<Call>('call:place', { staffId: ana.id });
    await agent.waitFor<Changed>('call:changed', (p) => p.call.id === call.id && p.call.state === 'active');
    const voice = voiceFor(agent, call.id);
    const video = videoFor(agent, voice, call.id);
    closers.push(
      () => voice.close(false),
      () => video.close(),
    );
    await voice.controller.start();
    await voice.until((s) => s.phase === 'connected');
    await eventually(() => (voice.listener?.energy ?? 0) > 0, 'the phone’s tone on the console');
    const peerBefore = voice.peer;

    // Upgrade: the agent asks, the virtual person accepts, the console re-offers with video.
    const heard = consoleHeard(voice);
    const start = heard();
    await agent.ok('video:request', { callId: call.id });
    await agent.waitFor<VideoState>('video:changed', (v) => v.state === 'on');
    await eventually(() => video.frames >= 10, 'ten frames of the phone’s camera on the console');
    // Audio went on through the upgrade: 10 ms frames kept arriving, and they carried the tone.
    const during = heard();
    expect(during.frames - start.frames).toBeGreaterThan(20);
    expect(during.energy - start.energy).toBeGreaterThan(1e-4);
    expect(await energyOver(heard, 30)).toBeGreaterThan(1e-4);
    expect(video.size).toEqual({ width: 640, height: 480 });
    expect(voice.peer).toBe(peerBefore);
    expect(voice.controller.snapshot).toMatchObject({ phase: 'connected', restarts: 0 });
    expect((await phoneStats(call.id)).video).toMatchObject({ cameraOn: true, paused: false });

    await agent.ok('video:marker', { callId: call.id, x: 0.3, y: 0.6 });
    await eventually(() => phone.video.markers.length > 0, 'the marker on the phone');
    expect(phone.video.markers).toEqual([{ callId: call.id, x: 0.3, y: 0.6, at: h.clock.now() }]);

    // Downgrade from the phone: its camera comes off at once; the console re-offers it inactive.
    await phone.reportVideo(call.id, 'stopped');
    await eventually(async () => !(await phoneStats(call.id)).video.cameraOn, 'the camera off the peer');
    const frozen = video.frames;
    expect(await energyOver(heard, 30)).toBeGreaterThan(1e-4);
    expect(video.frames - frozen).toBeLessThan(5);
    expect(voice.controller.snapshot).toMatchObject({ phase: 'connected', restarts: 0 });
    expect(voice.peer).toBe(peerBefore);
  });
});
