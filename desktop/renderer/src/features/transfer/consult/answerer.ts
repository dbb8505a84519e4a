import type { Ack, RtcIce, RtcSignal } from '#shared';
import { type AnswererEffect, type AnswererInput, answererStep, initialAnswerer } from '#shared/rtc-answerer';

/**
 * Structural, like the call's voice peer (features/call/voice/peer.ts), and declared here so the
 * Node tests can run this class without the console around it.
 */
interface TrackLike {
  readonly kind: string;
  stop(): void;
}
interface CandidateLike {
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
}
interface PeerConfig {
  iceServers: { urls: string[]; username?: string; credential?: string }[];
  iceTransportPolicy: 'all' | 'relay';
}

/** The parts of an answering RTCPeerConnection this uses: the browser's and @roamhq/wrtc's fit. */
export interface AnswerPeer {
  readonly iceConnectionState: string;
  onicecandidate: ((e: { candidate: CandidateLike | null }) => void) | null;
  oniceconnectionstatechange: (() => void) | null;
  ontrack: ((e: { track: TrackLike }) => void) | null;
  addTrack(track: TrackLike, ...streams: unknown[]): unknown;
  setRemoteDescription(description: { type: 'offer'; sdp: string }): Promise<void>;
  createAnswer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(description: { type: 'answer'; sdp: string }): Promise<void>;
  addIceCandidate(candidate: CandidateLike): Promise<void>;
  setConfiguration(config: PeerConfig): void;
  close(): void;
}

export type ConsultPhase = 'starting' | 'connecting' | 'connected' | 'failed' | 'ended';

export interface ConsultAnswererDeps {
  /** `rtc:ice` for the call the consultation is about (the server allows its two agents). */
  fetchIce(): Promise<Ack<RtcIce>>;
  /** `consult:signal` to the first agent's console. */
  send(signal: RtcSignal): Promise<unknown>;
  createPeer(config: PeerConfig): AnswerPeer;
  /** The agent's microphone; rejects when it cannot be opened (the consultation goes on, unheard). */
  openMicrophone(): Promise<TrackLike>;
  onRemoteTrack(track: TrackLike): void;
  onPhase(phase: ConsultPhase): void;
}

/**
 * The chosen agent's side of a warm transfer's consultation: the first agent's console offers, as
 * it does to a phone, and this console answers by the phone's own rules (shared/rtc-answerer.ts:
 * ICE servers before the peer, candidates held until their offer is applied, one negotiation at a
 * time, a restart offer reconfiguring the same peer).
 */
export class ConsultAnswerer {
  private state = initialAnswerer();
  private peer: AnswerPeer | null = null;
  private mic: TrackLike | null = null;
  /** Signals that came before the microphone was ready: the peer carries it from its creation. */
  private waiting: RtcSignal[] | null = [];
  private chain: Promise<void> = Promise.resolve();
  private phase: ConsultPhase = 'starting';

  constructor(private readonly deps: ConsultAnswererDeps) {}

  async start(): Promise<void> {
    this.mic = await this.deps.openMicrophone().catch(() => null);
    if (this.state.closed) {
      this.mic?.stop();
      return;
    }
    this.setPhase('connecting');
    this.input({ type: 'answered' });
    const waiting = this.waiting ?? [];
    this.waiting = null;
    for (const signal of waiting) this.input({ type: 'signal', signal });
  }

  handle(signal: RtcSignal): void {
    if (this.waiting) this.waiting.push(signal);
    else this.input({ type: 'signal', signal });
  }

  /** The consultation is over (completed, cancelled, the call ended): no bye, the server said it. */
  close(): void {
    this.input({ type: 'ended' });
    this.mic?.stop();
    this.setPhase('ended');
  }

  private input(input: AnswererInput): void {
    const { state, effects } = answererStep(this.state, input);
    this.state = state;
    for (const effect of effects) this.run(effect);
  }

  private run(effect: AnswererEffect): void {
    switch (effect.type) {
      case 'fetchIce':
        void this.deps
          .fetchIce()
          .then((ack) => this.input(ack.ok ? { type: 'ice', ice: ack.data } : { type: 'iceUnavailable' }));
        return;
      case 'createPeer':
        this.createPeer(effect.ice);
        return;
      case 'configure':
        this.peer?.setConfiguration(config(effect.ice));
        return;
      case 'send':
        void this.deps.send(effect.signal);
        return;
      case 'closePeer':
        this.peer?.close();
        return;
      case 'endCall':
        this.mic?.stop();
        this.setPhase(/failed/.test(effect.reason) ? 'failed' : 'ended');
        return;
      case 'setRemoteOffer':
        this.queue(async (peer) => {
          await peer.setRemoteDescription({ type: 'offer', sdp: effect.sdp });
          this.input({ type: 'remoteSet' });
        });
        return;
      case 'addCandidate':
        this.queue((peer) => peer.addIceCandidate(effect.candidate).catch(() => undefined));
        return;
      case 'createAnswer':
        this.queue(async (peer) => {
          const answer = await peer.createAnswer();
          await peer.setLocalDescription({ type: 'answer', sdp: answer.sdp ?? '' });
          this.input({ type: 'localAnswer', sdp: answer.sdp ?? '' });
        });
    }
  }

  /** Runs peer steps in effect order; a peer replaced meanwhile (a new session) skips them. */
  private queue(step: (peer: AnswerPeer) => Promise<unknown>): void {
    const peer = this.peer;
    this.chain = this.chain.then(async () => {
      if (!peer || peer !== this.peer || this.state.closed) return;
      try {
        await step(peer);
      } catch (e) {
        if (!this.state.closed) this.input({ type: 'negotiationFailed', reason: (e as Error).message });
      }
    });
  }

  private createPeer(ice: RtcIce): void {
    const peer = this.deps.createPeer(config(ice));
    this.peer = peer;
    peer.onicecandidate = ({ candidate }) => {
      if (!candidate?.candidate) return;
      const { sdpMid, sdpMLineIndex } = candidate;
      this.input({
        type: 'localCandidate',
        candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex },
      });
    };
    peer.ontrack = ({ track }) => this.deps.onRemoteTrack(track);
    peer.oniceconnectionstatechange = () => {
      if (peer !== this.peer) return;
      const state = peer.iceConnectionState;
      if (state === 'connected' || state === 'completed') this.setPhase('connected');
      else if (state === 'failed') this.setPhase('failed');
    };
    if (this.mic) peer.addTrack(this.mic);
  }

  private setPhase(phase: ConsultPhase): void {
    if (this.phase === phase || this.phase === 'ended') return;
    this.phase = phase;
    this.deps.onPhase(phase);
  }
}

const config = (ice: RtcIce): PeerConfig => ({
  iceServers: ice.iceServers,
  iceTransportPolicy: ice.iceTransportPolicy,
});
