import { createRequire } from 'node:module';

/**
 * What the virtual phone uses of `@roamhq/wrtc` (a Node build of libwebrtc), typed here: the
 * package's own types are the browser's DOM classes, which the Node code's TypeScript settings
 * do not include. Loaded on first use, so a phone without media never loads the native module.
 */
export interface IceServerInit {
  urls: string[];
  username?: string;
  credential?: string;
}
export interface PeerConfig {
  iceServers: IceServerInit[];
  iceTransportPolicy?: 'all' | 'relay';
}
export interface SessionDescriptionInit {
  type: 'offer' | 'answer';
  sdp: string;
}
export interface CandidateInit {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}
export interface MediaTrack {
  enabled: boolean;
  readonly kind: string;
  stop(): void;
}
export type StatsReport = Map<string, Record<string, unknown> & { type: string }>;

export interface PeerConnection {
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  readonly connectionState: string;
  readonly signalingState: string;
  onicecandidate: ((e: { candidate: (CandidateInit & { toJSON?(): CandidateInit }) | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  ontrack: ((e: { track: MediaTrack }) => void) | null;
  addTrack(track: MediaTrack): unknown;
  addTransceiver(kind: 'audio', init?: { direction: 'sendrecv' | 'recvonly' }): unknown;
  createOffer(options?: { iceRestart?: boolean }): Promise<SessionDescriptionInit>;
  createAnswer(): Promise<SessionDescriptionInit>;
  setLocalDescription(d: SessionDescriptionInit): Promise<void>;
  setRemoteDescription(d: SessionDescriptionInit): Promise<void>;
  addIceCandidate(c: CandidateInit): Promise<void>;
  setConfiguration(c: PeerConfig): void;
  getStats(): Promise<StatsReport>;
  close(): void;
}

export interface AudioFrame {
  samples: Int16Array;
  sampleRate: number;
  channelCount?: number;
  numberOfFrames?: number;
}
export interface AudioSource {
  createTrack(): MediaTrack;
  onData(frame: AudioFrame): void;
}
export interface AudioSink {
  ondata: ((frame: AudioFrame) => void) | null;
  stop(): void;
}

export interface Wrtc {
  RTCPeerConnection: new (config: PeerConfig) => PeerConnection;
  nonstandard: {
    RTCAudioSource: new () => AudioSource;
    RTCAudioSink: new (track: MediaTrack) => AudioSink;
  };
}

let loaded: Wrtc | null = null;

export function wrtc(): Wrtc {
  loaded ??= createRequire(import.meta.url)('@roamhq/wrtc') as Wrtc;
  return loaded;
}
