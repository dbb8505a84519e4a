import type { Ack, QualitySummary, RtcIce, RtcSignal, VideoState } from '#shared';
import { VoiceController } from '../desktop/renderer/src/features/call/voice/controller';
import type { PeerLike, TrackLike } from '../desktop/renderer/src/features/call/voice/peer';
import type { VoiceSnapshot } from '../desktop/renderer/src/features/call/voice/types';
import { VideoLink } from '../desktop/renderer/src/features/video/link';
import { Listener, Tone } from '../tools/virtual-companion/src/audio';
import { SyntheticCamera, VideoWatcher } from '../tools/virtual-companion/src/camera';
import { type MediaTrack, newPeer, type PeerConnection } from '../tools/virtual-companion/src/wrtc';
import type { TestClient } from './socket-client';

type Incoming = { callId: string; signal: RtcSignal };

export interface ConsoleVoiceOptions {
  callId: string;
  /** `rtc:ice` and `rtc:signal` over the agent's socket. */
  fetchIce(): Promise<Ack<RtcIce>>;
  send(signal: RtcSignal): Promise<Ack<null>>;
  /** Subscribes to the agent socket's `rtc:signal`; returns the unsubscribe. */
  onSignal(listener: (p: Incoming) => void): () => void;
  toneHz?: number;
  /** `blocked`: the microphone is refused as a browser refuses it (NotAllowedError); asked each time. */
  microphone?: () => 'tone' | 'blocked';
  disconnectGraceMs?: number;
  /** `quality:report` over the agent's socket (issue 25 item 8); none when left out. */
  reportQuality?(summary: QualitySummary): Promise<unknown>;
  statsEveryMs?: number;
}

/**
 * The console's voice controller (the renderer's own class) running in Node: @roamhq/wrtc for
 * the peer connection, a tone for the microphone, a listener on what the phone sends. For tests
 * and the media benchmark, which cannot run a browser per call.
 */
export function consoleVoice(o: ConsoleVoiceOptions) {
  const snapshots: VoiceSnapshot[] = [];
  const tones: Tone[] = [];
  const wait: { until: (s: VoiceSnapshot) => boolean; resolve: (s: VoiceSnapshot) => void }[] = [];
  let peer: PeerConnection | null = null;
  let listener: Listener | null = null;
  const iceAnswers: RtcIce[] = [];
  const controller = new VoiceController({
    fetchIce: async () => {
      const ack = await o.fetchIce();
      if (ack.ok) iceAnswers.push(ack.data);
      return ack;
    },
    send: o.send,
    createPeer: (config) => {
      peer = newPeer(config);
      // The structural peer type and wrtc's own describe the same object.
      return peer as unknown as PeerLike;
    },
    openMicrophone: async () => {
      if (o.microphone?.() === 'blocked')
        throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      const tone = new Tone(o.toneHz ?? 880);
      tones.push(tone);
      return tone.track as TrackLike;
    },
    onRemoteTrack: (track) => {
      listener ??= new Listener(track as MediaTrack);
    },
    onChange: (s) => {
      snapshots.push(s);
      for (const w of [...wait]) {
        if (w.until(s)) {
          wait.splice(wait.indexOf(w), 1);
          w.resolve(s);
        }
      }
    },
    disconnectGraceMs: o.disconnectGraceMs,
    reportQuality: o.reportQuality,
    statsEveryMs: o.statsEveryMs,
  });
  const unsubscribe = o.onSignal(({ callId, signal }) => {
    if (callId === o.callId) void controller.handle(signal);
  });
  return {
    controller,
    snapshots,
    /** Every ICE server answer the controller got, in order (the first, then each renewal). */
    iceAnswers,
    get peer() {
      return peer;
    },
    get listener() {
      return listener;
    },
    /** The tone sent as the microphone (the latest one, after a retry). */
    get tone() {
      return tones.at(-1) ?? null;
    },
    /**
     * Resolves with the first snapshot (past or future) that matches; fails after `ms` naming the
     * phases the voice went through, so a stuck wait says where it stopped.
     */
    until(match: (s: VoiceSnapshot) => boolean, ms = 10_000): Promise<VoiceSnapshot> {
      const seen = snapshots.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = {
          until: match,
          resolve: (s: VoiceSnapshot) => {
            clearTimeout(timer);
            resolve(s);
          },
        };
        const timer = setTimeout(() => {
          wait.splice(wait.indexOf(waiter), 1);
          const phases = snapshots.map((s) => s.phase).filter((p, i, all) => p !== all[i - 1]);
          reject(new Error(`voice: no matching snapshot in ${ms} ms; phases so far: ${phases.join(' → ')}`));
        }, ms);
        wait.push(waiter);
      });
    },
    close(bye = true) {
      controller.close({ bye });
      unsubscribe();
      listener?.stop();
      for (const t of tones) t.stop();
    },
  };
}

export type ConsoleVoice = ReturnType<typeof consoleVoice>;

/** Polls a condition until it holds (audio is measured, not announced); fails naming it. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The console's voice for a call, over the agent's own socket. */
export function voiceFor(
  agent: TestClient,
  callId: string,
  extra: Partial<Parameters<typeof consoleVoice>[0]> = {},
) {
  return consoleVoice({
    callId,
    fetchIce: () => agent.request<RtcIce>('rtc:ice', { callId }),
    send: (signal: RtcSignal) => agent.request('rtc:signal', { callId, signal }) as Promise<Ack<null>>,
    reportQuality: (summary: QualitySummary) => agent.request('quality:report', { callId, summary }),
    onSignal: (listener) => {
      agent.socket.on('rtc:signal', listener);
      return () => agent.socket.off('rtc:signal', listener);
    },
    ...extra,
  });
}

/**
 * Whether sound keeps reaching a side: waits until `frames` more 10 ms frames have arrived there
 * and returns the energy they carried. Frames keep arriving while a side is silent (Opus sends
 * silence), so this is a clock made of what arrived, not a sleep.
 */
export async function energyOver(read: () => { frames: number; energy: number }, frames = 40) {
  const start = read();
  await eventually(() => read().frames >= start.frames + frames, `${frames} more audio frames`);
  return read().energy - start.energy;
}

/**
 * The console's video for a call (the renderer's VideoLink) on a Node console voice: it follows
 * the agent socket's `video:changed` and watches the phone's frames. `camera`: the agent's own
 * camera for two-way video is a synthetic one.
 */
export function videoFor(
  agent: { socket: Pick<TestClient['socket'], 'on' | 'off'> },
  voice: ConsoleVoice,
  callId: string,
) {
  let watcher: VideoWatcher | null = null;
  const cameras: SyntheticCamera[] = [];
  const link = new VideoLink({
    voice: voice.controller,
    onRemoteVideo: (track) => {
      watcher?.stop();
      watcher = new VideoWatcher(track as MediaTrack);
    },
    openCamera: async () => {
      const camera = new SyntheticCamera({ width: 320, height: 240, fps: 15 });
      cameras.push(camera);
      return camera.track as TrackLike;
    },
  });
  const onChanged = (video: VideoState) => {
    if (video.callId === callId) void link.apply(video);
  };
  agent.socket.on('video:changed', onChanged);
  return {
    link,
    /** Frames of the phone's video that reached the console so far. */
    get frames() {
      return watcher?.frames ?? 0;
    },
    get size() {
      return { width: watcher?.width ?? 0, height: watcher?.height ?? 0 };
    },
    get firstFrameAt() {
      return watcher?.firstFrameAt ?? null;
    },
    close() {
      agent.socket.off('video:changed', onChanged);
      link.close();
      watcher?.stop();
      for (const c of cameras) c.stop();
    },
  };
}
