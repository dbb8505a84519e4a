/**
 * The parts of WebRTC the voice controller uses, typed structurally and without the DOM: the
 * browser's RTCPeerConnection and Node's @roamhq/wrtc (in tests and benchmarks) both fit, each
 * through one cast where it is created.
 */

export interface TrackLike {
  enabled: boolean;
  readonly kind: string;
  stop(): void;
}

export interface CandidateLike {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}

export interface DescriptionLike {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface IceServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface PeerConfig {
  iceServers: IceServerConfig[];
  iceTransportPolicy: 'all' | 'relay';
}

export interface SenderLike {
  replaceTrack(track: TrackLike | null): Promise<void>;
  getParameters?(): { encodings?: Record<string, unknown>[] } & Record<string, unknown>;
  setParameters?(parameters: Record<string, unknown>): Promise<void>;
}

export type DirectionLike = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** A transceiver: the audio one the call starts with, and video's, added on an upgrade (issue 27). */
export interface TransceiverLike {
  readonly sender: SenderLike;
  readonly receiver: { readonly track: TrackLike };
  direction: DirectionLike;
}

export type StatLike = Record<string, unknown> & { type: string };

export interface PeerLike {
  readonly iceConnectionState: string;
  readonly connectionState: string;
  readonly signalingState: string;
  onicecandidate: ((e: { candidate: CandidateLike | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  ontrack: ((e: { track: TrackLike }) => void) | null;
  addTransceiver(kind: 'audio' | 'video', init: { direction: DirectionLike }): TransceiverLike;
  createOffer(options?: { iceRestart?: boolean }): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(description: DescriptionLike): Promise<void>;
  setRemoteDescription(description: DescriptionLike): Promise<void>;
  addIceCandidate(candidate: CandidateLike): Promise<void>;
  setConfiguration(config: PeerConfig): void;
  getStats(): Promise<{ forEach(each: (stat: StatLike) => void): void }>;
  close(): void;
}

/** Timers the controller runs on (the page's by default; tests may pass their own). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
  now(): number;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as Parameters<typeof globalThis.clearTimeout>[0]),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as Parameters<typeof globalThis.clearInterval>[0]),
  now: () => Date.now(),
};
