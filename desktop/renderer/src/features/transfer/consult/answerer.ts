import type { Ack, RtcIce, RtcSignal } from '#shared';
import type { AnswererInput } from '#shared/rtc-answerer';
import { AnswererDriver } from '#shared/rtc-answerer-driver';

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
  private readonly driver: AnswererDriver<AnswerPeer>;
  private mic: TrackLike | null = null;
  /** Signals that came before the microphone was ready: the peer carries it from its creation. */
  private waiting: RtcSignal[] | null = [];
  private phase: ConsultPhase = 'starting';

  constructor(private readonly deps: ConsultAnswererDeps) {
    this.driver = new AnswererDriver({
      fetchIce: async () => {
        const ack = await deps.fetchIce();
        return ack.ok ? ack.data : null;
      },
      createPeer: (ice) => this.createPeer(ice),
      send: (signal) => void deps.send(signal),
      closePeer: () => this.driver.peer?.close(),
      endCall: (reason) => {
        this.mic?.stop();
        this.setPhase(/failed/.test(reason) ? 'failed' : 'ended');
      },
    });
  }

  async start(): Promise<void> {
    this.mic = await this.deps.openMicrophone().catch(() => null);
    if (this.driver.closed) {
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
    this.driver.input(input);
  }

  private createPeer(ice: RtcIce): AnswerPeer {
    const peer = this.deps.createPeer(config(ice));
    peer.onicecandidate = ({ candidate }) => this.driver.localCandidate(candidate);
    peer.ontrack = ({ track }) => this.deps.onRemoteTrack(track);
    peer.oniceconnectionstatechange = () => {
      if (peer !== this.driver.peer) return;
      const state = peer.iceConnectionState;
      if (state === 'connected' || state === 'completed') this.setPhase('connected');
      else if (state === 'failed') this.setPhase('failed');
    };
    if (this.mic) peer.addTrack(this.mic);
    return peer;
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
