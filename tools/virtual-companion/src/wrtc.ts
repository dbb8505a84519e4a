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
export type TransceiverDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export interface SendParameters {
  encodings: { maxBitrate?: number; maxFramerate?: number; active?: boolean }[];
  degradationPreference?: 'maintain-framerate' | 'maintain-resolution' | 'balanced';
  [key: string]: unknown;
}
export interface Transceiver {
  readonly mid: string | null;
  readonly stopped: boolean;
  direction: TransceiverDirection;
  readonly currentDirection: TransceiverDirection | null;
  readonly sender: {
    readonly track: MediaTrack | null;
    replaceTrack(track: MediaTrack | null): Promise<void>;
    getParameters(): SendParameters;
    setParameters(p: SendParameters): Promise<void>;
  };
  readonly receiver: { readonly track: MediaTrack };
}
export type StatsReport = Map<string, Record<string, unknown> & { type: string }>;

/** What `followStates` uses of a peer: its states, and wrtc's own event target. */
export interface StateEvents {
  readonly iceConnectionState: string;
  readonly connectionState: string;
  readonly signalingState: string;
  addEventListener(type: string, listener: () => void): void;
  dispatchEvent(event: { type: string; target?: unknown }): void;
}

export interface PeerConnection extends StateEvents {
  readonly iceConnectionState: string;
  readonly iceGatheringState: string;
  readonly connectionState: string;
  readonly signalingState: string;
  onicecandidate: ((e: { candidate: (CandidateInit & { toJSON?(): CandidateInit }) | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  onconnectionstatechange: (() => void) | null;
  ontrack: ((e: { track: MediaTrack; transceiver?: Transceiver }) => void) | null;
  addTrack(track: MediaTrack): unknown;
  addTransceiver(kind: 'audio' | 'video', init?: { direction: TransceiverDirection }): Transceiver;
  getTransceivers(): Transceiver[];
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

/** An I420 frame: the Y plane, then U and V at half the width and height. */
export interface VideoFrame {
  width: number;
  height: number;
  data: Uint8Array;
}
export interface VideoSource {
  createTrack(): MediaTrack;
  onFrame(frame: VideoFrame): void;
}
export interface VideoSink {
  onframe: ((e: { frame: VideoFrame }) => void) | null;
  stop(): void;
}

export interface Wrtc {
  RTCPeerConnection: new (config: PeerConfig) => PeerConnection;
  nonstandard: {
    RTCAudioSource: new () => AudioSource;
    RTCAudioSink: new (track: MediaTrack) => AudioSink;
    RTCVideoSource: new () => VideoSource;
    RTCVideoSink: new (track: MediaTrack) => VideoSink;
  };
}

let loaded: Wrtc | null = null;

export function wrtc(): Wrtc {
  loaded ??= createRequire(import.meta.url)('@roamhq/wrtc') as Wrtc;
  return loaded;
}

/** A new RTCPeerConnection whose state events follow its states (see `followStates`). */
export function newPeer(config: PeerConfig): PeerConnection {
  const peer = new (wrtc().RTCPeerConnection)(config);
  followStates(peer);
  return peer;
}

const STATE_EVENTS = {
  iceconnectionstatechange: (peer: StateEvents) => peer.iceConnectionState,
  connectionstatechange: (peer: StateEvents) => peer.connectionState,
} as const;

/**
 * Makes `iceconnectionstatechange` and `connectionstatechange` come for every change of
 * `iceConnectionState` and `connectionState`, as in a browser. wrtc raises both events when
 * libwebrtc's legacy ICE state changes, but its getters read the standardized states, which
 * libwebrtc sets in a task of its own just after. On a loaded machine a handler can run before that
 * task and read the old value, and no event ever comes for the new one: a console stayed
 * "connected" for 10 s after its TURN relay had gone, until ICE failed. So the states are also read
 * every `everyMs` until the peer closes, and a change that no event announced is announced then.
 */
export function followStates(peer: StateEvents, everyMs = 100): void {
  const types = Object.keys(STATE_EVENTS) as (keyof typeof STATE_EVENTS)[];
  const announced = new Map(types.map((type) => [type, STATE_EVENTS[type](peer)]));
  for (const type of types) {
    peer.addEventListener(type, () => announced.set(type, STATE_EVENTS[type](peer)));
  }
  const timer = setInterval(() => {
    if (peer.signalingState === 'closed') {
      clearInterval(timer);
      return;
    }
    for (const type of types) {
      const now = STATE_EVENTS[type](peer);
      if (now === announced.get(type)) continue;
      announced.set(type, now);
      peer.dispatchEvent({ type, target: peer });
    }
  }, everyMs);
  timer.unref();
}

/**
 * Readings under way per peer, settled with null when the peer closes: libwebrtc never settles a
 * getStats() whose peer closes before it answers, and whoever awaits it would wait for ever.
 */
const readings = new WeakMap<PeerConnection, Set<(report: null) => void>>();

/** The peer's getStats(); null once the peer is closed, or when it closes before answering. */
export function peerStats(peer: PeerConnection): Promise<StatsReport | null> {
  if (peer.connectionState === 'closed') return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const pending = readings.get(peer) ?? new Set();
    readings.set(peer, pending);
    const settle = (report: StatsReport | null) => {
      pending.delete(settle);
      resolve(report);
    };
    pending.add(settle);
    peer.getStats().then(settle, (error: unknown) => {
      pending.delete(settle);
      reject(error);
    });
  });
}

/** Closes the peer, and answers the readings still waiting on it (see `peerStats`). */
export function closePeer(peer: PeerConnection): void {
  peer.close();
  for (const settle of readings.get(peer) ?? []) settle(null);
  readings.delete(peer);
}
