import type { Ack, QualitySummary, RtcIce, RtcSignal } from '#shared';
import type { PeerConfig, PeerLike, Timers, TrackLike } from './peer';
import type { Quality } from './quality';
import type { VideoStats } from './video-stats';

// What the voice controller shows (its snapshot) and what it needs (its dependencies): the
// panel, the session and the Node tests use these without the controller's workings.

export type VoicePhase = 'starting' | 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'ended';
/** pending: being asked for; blocked: permission refused; missing: no such device. */
export type MicrophoneState = 'pending' | 'on' | 'blocked' | 'missing' | 'error';

export interface VoiceSnapshot {
  phase: VoicePhase;
  microphone: MicrophoneState;
  /** The browser's words when the microphone could not be opened. */
  microphoneError: string | null;
  muted: boolean;
  held: boolean;
  quality: Quality | null;
  /** ICE restarts so far (network changes, failures, TURN credentials renewed). */
  restarts: number;
  /** Why the audio path failed for good, in words. */
  error: string | null;
  /** The phone's video on this peer (issue 27), read with the audio's stats; null without. */
  video: VideoStats | null;
}

export interface VoiceControllerDeps {
  /** `rtc:ice` for this call. */
  fetchIce(): Promise<Ack<RtcIce>>;
  /** `rtc:signal` to the phone of this call. */
  send(signal: RtcSignal): Promise<Ack<null>>;
  createPeer(config: PeerConfig): PeerLike;
  /** The microphone to send; rejects with the browser's error (NotAllowedError…) when it cannot. */
  openMicrophone(): Promise<TrackLike>;
  onChange(snapshot: VoiceSnapshot): void;
  /**
   * `quality:report`: what this end heard so far, sent every QUALITY_REPORT_EVERY_MS and when the
   * voice closes (the call's history keeps the latest).
   */
  reportQuality?(summary: QualitySummary): Promise<unknown>;
  /** The phone's audio, to play. */
  onRemoteTrack?(track: TrackLike): void;
  /** A microphone track was put on the call (the first, or another chosen one). */
  onMicrophone?(track: TrackLike): void;
  timers?: Timers;
  statsEveryMs?: number;
  /** How long a `disconnected` ICE connection may recover by itself before it is restarted. */
  disconnectGraceMs?: number;
}
