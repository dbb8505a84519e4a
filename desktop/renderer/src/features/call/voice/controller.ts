import { type Ack, QUALITY_REPORT_EVERY_MS, QualitySummarizer, type RtcIce, type RtcSignal } from '#shared';
import { capVideoBandwidth } from './bandwidth';
import type { CandidateLike, PeerConfig, PeerLike, SenderLike, Timers, TrackLike } from './peer';
import { realTimers } from './peer';
import { QualityMonitor, readSample } from './quality';
import type { MicrophoneState, VoiceControllerDeps, VoiceSnapshot } from './types';
import { readVideoStats } from './video-stats';

const MAX_RESTARTS_WITHOUT_CONNECTING = 5;
/** Renew TURN credentials (with an ICE restart) this long before they expire. */
const RENEW_BEFORE_MS = 60_000;

/**
 * One call's audio on the console, the offering side: the console offers once the call is
 * answered (the phone answers with the shared answerer rules; its `bye` when it hangs up closes
 * this side), trickles candidates, restarts ICE when the network changes or the path fails, and
 * renews TURN credentials before they expire.
 * Mute and hold act on the microphone track; hold also silences the phone (the UI mutes playback).
 * A plain class over a structural peer, so it runs in the browser and, in tests, in Node.
 */
export class VoiceController {
  private readonly timers: Timers;
  private readonly monitor = new QualityMonitor();
  /** What this end heard over the whole call, for its history (issue 25 item 8). */
  private readonly summarizer = new QualitySummarizer();
  private reportedAt: number | null = null;
  private peer: PeerLike | null = null;
  private sender: SenderLike | null = null;
  private mic: TrackLike | null = null;
  /** Sent to the phone instead of the microphone (a supervisor barging in: a mix with it). */
  private instead: TrackLike | null = null;
  private pending: CandidateLike[] = [];
  private offered = false;
  /** Whether the server took our latest offer for the phone (false while the socket was away). */
  private offerDelivered = true;
  private restarting = false;
  /** The team's cap on the phone's video, put on every offer's video section (bandwidth.ts). */
  private videoKbps: number | null = null;
  /** A renegotiation was asked while an offer waited for its answer: one more once it is in. */
  private offerAgain = false;
  /** The signaling came back during a restart: one more, once it is done. */
  private restartAgain = false;
  private failuresInARow = 0;
  private graceTimer: unknown = null;
  private renewTimer: unknown = null;
  private statsTimer: unknown = null;
  private state: VoiceSnapshot = {
    phase: 'starting',
    microphone: 'pending',
    microphoneError: null,
    muted: false,
    held: false,
    quality: null,
    restarts: 0,
    error: null,
    video: null,
  };

  constructor(private readonly deps: VoiceControllerDeps) {
    this.timers = deps.timers ?? realTimers;
  }

  get snapshot(): VoiceSnapshot {
    return this.state;
  }

  get closed(): boolean {
    return this.state.phase === 'ended';
  }

  /** Asks for the microphone and the ICE servers together, then offers. */
  async start(): Promise<void> {
    const [ice, mic] = await Promise.all([this.deps.fetchIce(), this.openMicrophone()]);
    if (this.closed) {
      mic?.stop();
      return;
    }
    const config = iceConfig(ice);
    const peer = this.deps.createPeer(config);
    this.peer = peer;
    this.sender = peer.addTransceiver('audio', { direction: 'sendrecv' }).sender;
    // Without a microphone the agent still hears the phone; Retry adds it without renegotiating.
    if (mic) await this.attachMicrophone(mic);
    peer.ontrack = ({ track }) => this.deps.onRemoteTrack?.(track);
    peer.onicecandidate = ({ candidate }) => {
      if (!candidate?.candidate || this.closed) return;
      const { sdpMid, sdpMLineIndex } = candidate;
      void this.deps.send({ type: 'candidate', candidate: candidate.candidate, sdpMid, sdpMLineIndex });
    };
    peer.oniceconnectionstatechange = () => this.onIceState(peer.iceConnectionState);
    this.set({ phase: 'connecting' });
    this.scheduleRenewal(ice);
    await this.offer(false);
    this.statsTimer = this.timers.setInterval(() => void this.sampleStats(), this.deps.statsEveryMs ?? 1000);
  }

  /** A signal from the phone. */
  async handle(signal: RtcSignal): Promise<void> {
    const peer = this.peer;
    if (signal.type === 'bye') {
      this.close({ bye: false });
      return;
    }
    if (!peer || this.closed) return;
    if (signal.type === 'answer') {
      if (peer.signalingState !== 'have-local-offer') return;
      await peer.setRemoteDescription({ type: 'answer', sdp: signal.sdp });
      const waiting = this.pending.splice(0);
      for (const c of waiting) await this.addCandidate(c);
      if (this.offerAgain) {
        this.offerAgain = false;
        await this.offer(false);
      }
    } else if (signal.type === 'candidate') {
      const { type: _type, ...candidate } = signal;
      // Until the answer to our latest offer is in, its candidates wait (they may overtake it).
      if (peer.signalingState === 'have-local-offer') this.pending.push(candidate);
      else await this.addCandidate(candidate);
    }
  }

  setMuted(on: boolean): void {
    this.set({ muted: on });
    this.applyTracks();
  }

  setHeld(on: boolean): void {
    this.set({ held: on });
    this.applyTracks();
  }

  /** After the agent allowed the microphone (or plugged one in), or chose another one. */
  async retryMicrophone(): Promise<void> {
    const mic = await this.openMicrophone();
    if (mic) await this.attachMicrophone(mic);
  }

  async attachMicrophone(track: TrackLike): Promise<void> {
    if (this.closed) {
      track.stop();
      return;
    }
    const old = this.mic;
    this.mic = track;
    this.applyTracks();
    await this.sender?.replaceTrack(this.instead ?? track);
    if (old && old !== track) old.stop();
    this.set({ microphone: 'on', microphoneError: null });
    this.deps.onMicrophone?.(track);
  }

  /** The microphone track as the agent chose it (a supervisor's mix takes it in), null without one. */
  get microphone(): TrackLike | null {
    return this.mic;
  }

  /**
   * Sends `track` to the phone in place of the microphone, on the same sender (no renegotiation);
   * null sends the microphone again. Hold silences it as it silences the microphone.
   */
  async sendInstead(track: TrackLike | null): Promise<void> {
    if (this.closed) return;
    this.instead = track;
    this.applyTracks();
    await this.sender?.replaceTrack(track ?? this.mic);
  }

  /** The call's peer connection, for video (issue 27) to add its transceiver to; null before start. */
  get peerConnection(): PeerLike | null {
    return this.closed ? null : this.peer;
  }

  /**
   * Offers again on the same peer connection, without an ICE restart: video was added, changed or
   * stopped (issue 27). The audio transceiver is untouched, so voice goes on through it. While an
   * offer waits for its answer, the new one follows that answer (one negotiation at a time).
   */
  async renegotiate(videoKbps: number | null = this.videoKbps): Promise<void> {
    this.videoKbps = videoKbps;
    const peer = this.peer;
    if (!peer || this.closed) return;
    if (peer.signalingState === 'have-local-offer' || this.restarting) {
      this.offerAgain = true;
      return;
    }
    await this.offer(false);
  }

  /** The machine's network changed (online again, another interface): find a new path now. */
  networkChanged(): void {
    void this.restartIce();
  }

  /**
   * The agent's socket is connected again after a drop. An offer made meanwhile (the browser went
   * online, ICE failed) never reached the phone, and a path that broke could not be mended without
   * the signaling: restart ICE now rather than wait for ICE to fail again.
   */
  signalingBack(): void {
    if (!this.peer || this.closed) return;
    if (this.offerDelivered && this.state.phase === 'connected') return;
    if (this.restarting) this.restartAgain = true;
    else void this.restartIce();
  }

  /** Fresh ICE servers (and TURN credentials), then an offer with new ICE credentials. */
  async restartIce(): Promise<void> {
    const peer = this.peer;
    if (!peer || this.closed || this.restarting) return;
    this.restarting = true;
    this.restartAgain = false;
    try {
      const ice = await this.deps.fetchIce();
      if (this.closed) return;
      if (ice.ok) {
        peer.setConfiguration(iceConfig(ice));
        this.scheduleRenewal(ice);
      }
      this.set({ restarts: this.state.restarts + 1 });
      await this.offer(true);
    } finally {
      this.restarting = false;
    }
    if (this.restartAgain && !this.offerDelivered) await this.restartIce();
  }

  /**
   * The call ended (the server tells the phone), or the agent hung up (the phone learns it as the
   * call's end: a `bye` racing the hang-up could end the call as the phone's). `bye` is for a
   * console whose audio goes for good while the call would go on.
   */
  close(opts: { bye: boolean }): void {
    if (this.closed) return;
    if (opts.bye && this.offered) void this.deps.send({ type: 'bye' });
    for (const t of [this.graceTimer, this.renewTimer]) if (t) this.timers.clearTimeout(t);
    if (this.statsTimer) this.timers.clearInterval(this.statsTimer);
    this.reportQuality();
    this.mic?.stop();
    this.peer?.close();
    this.set({ phase: 'ended' });
  }

  // MARK: - Internals

  private async offer(iceRestart: boolean): Promise<void> {
    const peer = this.peer;
    if (!peer || this.closed) return;
    const offer = await peer.createOffer(iceRestart ? { iceRestart: true } : undefined);
    if (this.closed || !offer.sdp) return;
    await peer.setLocalDescription({ type: 'offer', sdp: offer.sdp });
    this.offered = true;
    const sdp = capVideoBandwidth(offer.sdp, this.videoKbps);
    this.offerDelivered = (await this.deps.send({ type: 'offer', sdp })).ok;
  }

  private async addCandidate(candidate: CandidateLike): Promise<void> {
    // A candidate of an ICE generation we already left is refused; that is harmless.
    await this.peer?.addIceCandidate(candidate).catch(() => undefined);
  }

  private onIceState(state: string): void {
    if (this.closed) return;
    if (this.graceTimer) this.timers.clearTimeout(this.graceTimer);
    this.graceTimer = null;
    if (state === 'connected' || state === 'completed') {
      this.failuresInARow = 0;
      this.set({ phase: 'connected', error: null });
    } else if (state === 'disconnected') {
      // Often a blip that ICE recovers from by itself; if not, look for a new path.
      this.set({ phase: 'reconnecting' });
      this.graceTimer = this.timers.setTimeout(
        () => void this.restartIce(),
        this.deps.disconnectGraceMs ?? 2000,
      );
    } else if (state === 'failed') {
      this.failuresInARow += 1;
      if (this.failuresInARow > MAX_RESTARTS_WITHOUT_CONNECTING) {
        this.set({
          phase: 'failed',
          error:
            'No audio path to the phone: a firewall may block it. Hang up and call again, or ask for a TURN server.',
        });
        return;
      }
      this.set({ phase: 'reconnecting' });
      void this.restartIce();
    }
  }

  private scheduleRenewal(ice: Ack<RtcIce>): void {
    if (this.renewTimer) this.timers.clearTimeout(this.renewTimer);
    this.renewTimer = null;
    if (!ice.ok || ice.data.expiresAt === null) return;
    const wait = Math.max(10_000, ice.data.expiresAt - RENEW_BEFORE_MS - this.timers.now());
    this.renewTimer = this.timers.setTimeout(() => void this.restartIce(), wait);
  }

  private async openMicrophone(): Promise<TrackLike | null> {
    this.set({ microphone: 'pending', microphoneError: null });
    try {
      return await this.deps.openMicrophone();
    } catch (e) {
      const { name, message } = e as { name?: string; message?: string };
      const microphone: MicrophoneState =
        name === 'NotAllowedError' || name === 'SecurityError'
          ? 'blocked'
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? 'missing'
            : 'error';
      this.set({ microphone, microphoneError: message ?? String(e) });
      return null;
    }
  }

  private applyTracks(): void {
    if (this.mic) this.mic.enabled = !this.state.muted && !this.state.held;
    // A barging supervisor's mix goes quiet on hold; the agent's mute stays the agent's (the mix
    // takes the disabled microphone in as silence).
    if (this.instead) this.instead.enabled = !this.state.held;
  }

  private async sampleStats(): Promise<void> {
    const peer = this.peer;
    if (!peer || this.closed) return;
    const stats: Record<string, unknown>[] = [];
    (await peer.getStats()).forEach((s) => {
      stats.push(s);
    });
    if (this.closed) return;
    const sample = readSample(stats as never);
    const now = this.timers.now();
    this.summarizer.push(sample, now);
    this.set({
      quality: this.monitor.push(sample),
      video: readVideoStats(stats, now, this.state.video),
    });
    if (this.reportedAt === null || now - this.reportedAt >= QUALITY_REPORT_EVERY_MS) this.reportQuality();
  }

  /** Sends what this end heard so far; the server keeps the latest (the last one at close). */
  private reportQuality(): void {
    const summary = this.summarizer.summary();
    if (!summary || !this.deps.reportQuality) return;
    this.reportedAt = this.timers.now();
    void this.deps.reportQuality(summary).catch(() => undefined);
  }

  private set(patch: Partial<VoiceSnapshot>): void {
    if (this.state.phase === 'ended' && patch.phase !== 'ended') return;
    this.state = { ...this.state, ...patch };
    this.deps.onChange(this.state);
  }
}

function iceConfig(ice: Ack<RtcIce>): PeerConfig {
  // Without an answer the call still tries host candidates (same network, or loopback).
  if (!ice.ok) return { iceServers: [], iceTransportPolicy: 'all' };
  return { iceServers: ice.data.iceServers, iceTransportPolicy: ice.data.iceTransportPolicy };
}
