import type { RtcIce, RtcSignal } from './events';
import {
  type AnswererEffect,
  type AnswererInput,
  type AnswererState,
  answererStep,
  initialAnswerer,
  type RtcCandidate,
} from './rtc-answerer';

/** What the driver asks of an answering peer connection: the browser's and @roamhq/wrtc's fit. */
export interface NegotiatingPeer {
  setRemoteDescription(description: { type: 'offer'; sdp: string }): Promise<void>;
  createAnswer(): Promise<{ sdp?: string }>;
  setLocalDescription(description: { type: 'answer'; sdp: string }): Promise<void>;
  addIceCandidate(candidate: RtcCandidate): Promise<void>;
  setConfiguration(config: Pick<RtcIce, 'iceServers' | 'iceTransportPolicy'>): void;
}

/** What an answerer does with the effects that are its own: its peer, its signals, its call. */
export interface AnswererAdapter<P> {
  /** `rtc:ice`; null when the server refused or did not answer. */
  fetchIce(): Promise<RtcIce | null>;
  /** A new peer with these ICE servers, its handlers set; its candidates go to `localCandidate`. */
  createPeer(ice: RtcIce): P;
  send(signal: RtcSignal): void;
  closePeer(): void;
  endCall(reason: string): void;
  /** The `camera` effect (video), in order with the negotiation; absent: an answerer with none. */
  camera?(peer: P, send: boolean): Promise<void>;
  /** After the answer is the local description, before it goes out (the camera's sender settings). */
  answered?(peer: P): Promise<void>;
  /** A remote candidate the peer refused (an address family it has no interface for): not fatal. */
  candidateRefused?(error: Error): void;
}

/**
 * Runs the answerer's step function (rtc-answerer.ts) against a real peer connection, for every
 * side that answers the console's offers by the phone's rules: the virtual phone's media, and the
 * console's own answerers (a warm transfer's consultation, a supervisor listening in). It keeps
 * the peer's asynchronous steps in effect order and drops those of a peer replaced meanwhile (a
 * console reloaded mid-call: a new session, a new peer).
 */
export class AnswererDriver<P extends NegotiatingPeer> {
  private state: AnswererState = initialAnswerer();
  private current: P | null = null;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly adapter: AnswererAdapter<P>) {}

  get closed(): boolean {
    return this.state.closed;
  }

  /** The ICE servers in use (their TURN credentials' expiry), null before `rtc:ice` answered. */
  get ice(): RtcIce | null {
    return this.state.ice;
  }

  /** The peer of now (a new session replaces it). */
  get peer(): P | null {
    return this.current;
  }

  input(input: AnswererInput): void {
    const { state, effects } = answererStep(this.state, input);
    this.state = state;
    for (const effect of effects) this.run(effect);
  }

  /** A peer's `onicecandidate`: the end-of-candidates event (null, or an empty one) says nothing. */
  localCandidate(
    candidate: { candidate: string; sdpMid: string | null; sdpMLineIndex: number | null } | null,
  ): void {
    if (!candidate?.candidate) return;
    const { sdpMid, sdpMLineIndex } = candidate;
    this.input({
      type: 'localCandidate',
      candidate: { candidate: candidate.candidate, sdpMid, sdpMLineIndex },
    });
  }

  private run(effect: AnswererEffect): void {
    const { adapter } = this;
    switch (effect.type) {
      case 'fetchIce':
        void adapter
          .fetchIce()
          .then((ice) => this.input(ice ? { type: 'ice', ice } : { type: 'iceUnavailable' }));
        return;
      case 'createPeer':
        this.current = adapter.createPeer(effect.ice);
        return;
      case 'configure':
        this.current?.setConfiguration({
          iceServers: effect.ice.iceServers,
          iceTransportPolicy: effect.ice.iceTransportPolicy,
        });
        return;
      case 'send':
        adapter.send(effect.signal);
        return;
      case 'closePeer':
        adapter.closePeer();
        return;
      case 'endCall':
        adapter.endCall(effect.reason);
        return;
      case 'setRemoteOffer':
        this.queue(async (peer) => {
          await peer.setRemoteDescription({ type: 'offer', sdp: effect.sdp });
          this.input({ type: 'remoteSet' });
        });
        return;
      case 'addCandidate':
        this.queue((peer) =>
          peer.addIceCandidate(effect.candidate).catch((e: Error) => adapter.candidateRefused?.(e)),
        );
        return;
      case 'camera':
        if (adapter.camera) this.queue((peer) => adapter.camera!(peer, effect.send));
        return;
      case 'createAnswer':
        this.queue(async (peer) => {
          const sdp = (await peer.createAnswer()).sdp ?? '';
          await peer.setLocalDescription({ type: 'answer', sdp });
          await adapter.answered?.(peer);
          this.input({ type: 'localAnswer', sdp });
        });
    }
  }

  /** Queues a step for the peer of now: a peer replaced meanwhile (a new session) skips it. */
  private queue(step: (peer: P) => Promise<unknown>): void {
    const peer = this.current;
    this.chain = this.chain.then(async () => {
      if (!peer || peer !== this.current || this.state.closed) return;
      try {
        await step(peer);
      } catch (e) {
        if (!this.state.closed) this.input({ type: 'negotiationFailed', reason: (e as Error).message });
      }
    });
  }
}
