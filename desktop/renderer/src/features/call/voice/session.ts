import { createStore } from 'zustand/vanilla';
import type { ConsoleApi } from '../../../api/context';
import type { ReadonlyStore } from '../../../store/store';
import { ringtone } from '../../incoming';
import { VoiceController } from './controller';
import {
  canChooseSpeaker,
  type DeviceKind,
  type DeviceOption,
  listDevices,
  microphonePermission,
  openMicrophone,
  rememberDevice,
  rememberedDevice,
  unplugged,
} from './devices';
import type { PeerLike, TrackLike } from './peer';
import type { VoiceSnapshot } from './types';

export interface VoiceUiState {
  /** The call the voice belongs to (the agent's one answered call), null when none. */
  callId: string | null;
  snapshot: VoiceSnapshot | null;
  /** The browser's microphone permission before asking (`prompt`: it asks at this call). */
  permission: PermissionState | 'unknown';
  inputs: DeviceOption[];
  outputs: DeviceOption[];
  microphoneId: string;
  speakerId: string;
  speakerChoice: boolean;
  /** The ringtone's own output device ('' is the default), apart from the call's speaker. */
  ringtoneId: string;
  /** Something the agent should know about the devices (a remembered one is gone). */
  note: string | null;
  /** The browser refused to play before a click (autoplay policy): the panel offers a button. */
  playbackBlocked: boolean;
}

const store = createStore<VoiceUiState>(() => ({
  callId: null,
  snapshot: null,
  permission: 'unknown',
  inputs: [],
  outputs: [],
  microphoneId: rememberedDevice('microphone'),
  speakerId: rememberedDevice('speaker'),
  speakerChoice: canChooseSpeaker(),
  ringtoneId: rememberedDevice('ringtone'),
  note: null,
  playbackBlocked: false,
}));

/** The voice's state for the call panel; only this module's actions change it. */
export const voiceStore: ReadonlyStore<VoiceUiState> = store;

/** One call's voice at a time: the console allows one live call per agent. */
let current: {
  callId: string;
  controller: VoiceController;
  audio: HTMLAudioElement;
  cleanup: () => void;
  /** The phone's audio, once it arrived. */
  remote: MediaStreamTrack | null;
} | null = null;

/** Told when the call's media changes: its phone's track arrived, another microphone, the end. */
const mediaListeners = new Set<() => void>();
const mediaChanged = () => {
  for (const listener of mediaListeners) listener();
};

/**
 * Starts the voice of an answered call: the console offers (see controller.ts). Mute starts as
 * the agent left it on the call, hold as the call is.
 */
export async function startVoice(
  api: ConsoleApi,
  callId: string,
  audio: HTMLAudioElement,
  initial: { muted: boolean; held: boolean },
): Promise<void> {
  if (current?.callId === callId) return;
  stopVoice({ bye: false });
  const set = (patch: Partial<VoiceUiState>) => store.setState(patch);
  set({ callId, snapshot: null, note: null, playbackBlocked: false });
  void microphonePermission().then((permission) => set({ permission }));
  const controller = new VoiceController({
    fetchIce: () => api.request('rtc:ice', { callId }),
    send: (signal) => api.request('rtc:signal', { callId, signal }),
    reportQuality: (summary) => api.request('quality:report', { callId, summary }),
    // The DOM's RTCPeerConnection is the structural peer the controller expects.
    createPeer: (config) => new RTCPeerConnection(config) as unknown as PeerLike,
    openMicrophone: () => openChosenMicrophone(),
    onRemoteTrack: (track) => {
      // Video's track is the video link's (features/video): only audio plays and mixes here.
      if (track.kind !== 'audio') return;
      play(audio, track as unknown as MediaStreamTrack);
      if (current?.controller !== controller) return;
      current.remote = track as unknown as MediaStreamTrack;
      mediaChanged();
    },
    onMicrophone: () => {
      if (current?.controller === controller) mediaChanged();
    },
    onChange: (snapshot) => {
      if (current?.controller === controller) set({ snapshot });
    },
  });
  const unsubscribe = api.onSignal((p) => {
    if (p.callId === callId) void controller.handle(p.signal);
  });
  const onNetwork = () => controller.networkChanged();
  window.addEventListener('online', onNetwork);
  const connection = (navigator as Navigator & { connection?: EventTarget }).connection;
  connection?.addEventListener('change', onNetwork);
  const cleanup = () => {
    unsubscribe();
    window.removeEventListener('online', onNetwork);
    connection?.removeEventListener('change', onNetwork);
  };
  current = { callId, controller, audio, cleanup, remote: null };
  controller.setMuted(initial.muted);
  controller.setHeld(initial.held);
  audio.muted = initial.held;
  await controller.start().catch((e: Error) => {
    set({
      snapshot: { ...controller.snapshot, phase: 'failed', error: `Audio could not start: ${e.message}` },
    });
  });
  void refreshDevices();
}

/** Ends the voice; `bye` tells the phone the console's audio is gone for good. */
export function stopVoice(opts: { bye: boolean }): void {
  if (!current) return;
  const { controller, audio, cleanup } = current;
  current = null;
  controller.close(opts);
  cleanup();
  audio.srcObject = null;
  store.setState({ callId: null, snapshot: null, playbackBlocked: false });
  mediaChanged();
}

/**
 * What a supervision of this call mixes (features/supervise): the phone's audio and the agent's
 * microphone, and a way to send the phone a mix instead of the microphone (a barging supervisor).
 */
export interface VoiceMedia {
  callId: string;
  remote: MediaStreamTrack | null;
  microphone: MediaStreamTrack | null;
  sendInstead(track: MediaStreamTrack | null): Promise<void>;
}

export function voiceMedia(): VoiceMedia | null {
  if (!current) return null;
  const { callId, controller, remote } = current;
  return {
    callId,
    remote,
    microphone: controller.microphone as unknown as MediaStreamTrack | null,
    sendInstead: (track) => controller.sendInstead(track as unknown as TrackLike | null),
  };
}

/** Subscribes to the call's media changes; returns the unsubscribe. */
export function onVoiceMedia(listener: () => void): () => void {
  mediaListeners.add(listener);
  return () => {
    mediaListeners.delete(listener);
  };
}

export function voiceCallId(): string | null {
  return current?.callId ?? null;
}

/** The controller of the call's voice, whose peer connection carries its video too (issue 27). */
export function voiceController(callId: string): VoiceController | null {
  return current?.callId === callId ? current.controller : null;
}

/** The agent's socket connected again: the voice re-offers what the phone may never have had. */
export function signalingBack(): void {
  current?.controller.signalingBack();
}

export function setVoiceMuted(on: boolean): void {
  current?.controller.setMuted(on);
}

/** Hold silences both ways: our microphone (controller) and what the phone sends (playback). */
export function setVoiceHeld(on: boolean): void {
  if (!current) return;
  current.controller.setHeld(on);
  current.audio.muted = on;
}

export async function retryMicrophone(): Promise<void> {
  await current?.controller.retryMicrophone();
  store.setState({ permission: await microphonePermission() });
  void refreshDevices();
}

export async function chooseMicrophone(id: string): Promise<void> {
  rememberDevice('microphone', id);
  store.setState({ microphoneId: id, note: null });
  // In a call the new microphone replaces the old one on the same sender: no renegotiation.
  if (current) await current.controller.retryMicrophone();
}

export async function chooseSpeaker(id: string): Promise<void> {
  rememberDevice('speaker', id);
  store.setState({ speakerId: id });
  if (current) await routeTo(current.audio, id);
}

export async function chooseRingtone(id: string): Promise<void> {
  rememberDevice('ringtone', id);
  store.setState({ ringtoneId: id, note: null });
  await ringtone.setDevice(id);
}

/**
 * Puts the remembered ringtone device to use (once signed in, before any call rings); if it
 * cannot be used, the ringtone says so and the note tells the agent.
 */
export function applyRingtoneDevice(): void {
  ringtone.onSinkFailed = () =>
    store.setState({ note: 'Your ringtone device is not connected: ringing on the system default.' });
  void ringtone.setDevice(store.getState().ringtoneId);
}

const UNPLUGGED = {
  microphone: 'Your microphone was unplugged: using the system default.',
  speaker: 'Your call speaker was unplugged: playing on the system default.',
  ringtone: 'Your ringtone device was unplugged: ringing on the system default.',
} as const;

/**
 * The device list again (at start, and on every device change). A chosen device that was there
 * and is gone now falls back to the default at once, with a notice: a call goes on, not silent.
 * The choice itself is kept, and the device is used again once it is plugged back in.
 */
export async function refreshDevices(): Promise<void> {
  let now: Awaited<ReturnType<typeof listDevices>>;
  try {
    now = await listDevices();
  } catch {
    return; // No device list (an insecure origin, no mediaDevices): the pickers offer the default only.
  }
  const s = store.getState();
  const chosen = { microphone: s.microphoneId, speaker: s.speakerId, ringtone: s.ringtoneId };
  const gone = unplugged(s, now, chosen);
  // The same test the other way round: chosen devices that were missing and are here again.
  const back = unplugged(now, s, chosen);
  store.setState(now);
  if (gone.length > 0) store.setState({ note: UNPLUGGED[gone[0]!] });
  else if (back.length > 0) store.setState({ note: null });
  for (const kind of [...gone, ...back]) await putToUse(kind, gone.includes(kind) ? '' : chosen[kind]);
  if (gone.includes('microphone') && current) store.setState({ note: UNPLUGGED.microphone });
}

/** Puts a device (or the default, '') to use now: the ringtone's, or the live call's. */
async function putToUse(kind: DeviceKind, id: string): Promise<void> {
  if (kind === 'ringtone') await ringtone.setDevice(id);
  else if (kind === 'speaker' && current) await routeTo(current.audio, id);
  // openChosenMicrophone opens the chosen one, or the default (saying so) while it is missing.
  else if (kind === 'microphone' && current) await current.controller.retryMicrophone();
}

/** The agent clicked "Play call audio" after the browser refused to start it by itself. */
export function resumePlayback(): void {
  if (!current) return;
  void current.audio.play().then(() => store.setState({ playbackBlocked: false }));
}

/** The agent's chosen microphone (or the default, saying so): the call's, and a consultation's. */
export async function openChosenMicrophone(): Promise<TrackLike> {
  const { track, fellBack } = await openMicrophone(voiceStore.getState().microphoneId);
  if (fellBack) {
    store.setState({ note: 'Your chosen microphone is not connected: using the system default.' });
  }
  return track as unknown as TrackLike;
}

function play(audio: HTMLAudioElement, track: MediaStreamTrack): void {
  audio.srcObject = new MediaStream([track]);
  void routeTo(audio, voiceStore.getState().speakerId);
  audio.play().catch(() => store.setState({ playbackBlocked: true }));
}

async function routeTo(audio: HTMLAudioElement, id: string): Promise<void> {
  if (!canChooseSpeaker()) return;
  try {
    await (audio as HTMLAudioElement & { setSinkId(id: string): Promise<void> }).setSinkId(id);
  } catch {
    store.setState({ note: 'That speaker is not available: playing on the system default.' });
  }
}
