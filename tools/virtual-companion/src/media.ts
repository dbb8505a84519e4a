import {
  QUALITY_REPORT_EVERY_MS,
  QualitySummarizer,
  type QualitySummary,
  type RtcIce,
  type RtcSignal,
  readSample,
  type VideoState,
} from '#shared';
import type { AnswererInput } from '#shared/rtc-answerer';
import { AnswererDriver } from '#shared/rtc-answerer-driver';
import { Listener, Tone } from './audio';
import { PeerVideo, type VideoStats } from './peer-video';
import { closePeer, newPeer, type PeerConnection, peerStats } from './wrtc';

/** What the phone measures of a call's audio, for tests, the demo and the benchmark. */
export interface MediaStats {
  connectionState: string;
  iceConnectionState: string;
  /** `inbound-rtp` audio bytes and packets, from getStats. */
  bytesReceived: number;
  packetsReceived: number;
  /** Σ level² × seconds of what was heard (level 0..1), as getStats' `totalAudioEnergy` counts it. */
  energy: number;
  /** RMS level (0..1) of the last 100 ms heard. */
  level: number;
  /** 10 ms audio frames heard so far. */
  frames: number;
  /** When the first audible frame arrived (the clock's ms), null before. */
  firstAudioAt: number | null;
  /** The selected candidate pair's local type: host, srflx, prflx or relay. */
  candidateType: string | null;
  /** Whether the tone goes out (not muted, not held). */
  sending: boolean;
  /** When the TURN credentials the phone holds now stop working (epoch ms); null without TURN. */
  iceExpiresAt: number | null;
  video: VideoStats;
}

export interface PhoneMediaOptions {
  /** Sends a signal to the console through the server (in order: it emits at once). */
  send(signal: RtcSignal): void;
  /** `rtc:ice`; null when the server refused or did not answer. */
  fetchIce(): Promise<RtcIce | null>;
  /** The console said bye, or the media could not be negotiated: end the call on the phone. */
  endCall(reason: string): void;
  /** The media connected (each time ICE does): the app reports `connected` for a call it placed. */
  connected?(): void;
  /** `quality:report`: what the phone heard so far (every 30 s, and when the call's media ends). */
  reportQuality?(summary: QualitySummary): Promise<unknown>;
  toneHz?: number;
  now?: () => number;
  log?: (line: string) => void;
  statsEveryMs?: number;
}

/**
 * One call's audio on the virtual phone: a real WebRTC peer (libwebrtc through @roamhq/wrtc)
 * driven by the shared answerer rules. It sends a tone (10 ms frames of 16-bit PCM; silence when
 * muted or held) and measures what arrives: energy from an audio sink, bytes from getStats.
 */
export class PhoneMedia {
  private readonly driver: AnswererDriver<PeerConnection>;
  private tone: Tone | null = null;
  private listener: Listener | null = null;
  private muted = false;
  private held = false;
  /** Issue 25 item 8: readings once a second over the call, whichever peer carries it. */
  private readonly summarizer = new QualitySummarizer();
  private statsTimer: NodeJS.Timeout | null = null;
  private reportedAt: number | null = null;
  private readonly video: PeerVideo;

  constructor(private readonly o: PhoneMediaOptions) {
    this.video = new PeerVideo(this.now);
    this.driver = new AnswererDriver({
      fetchIce: () => o.fetchIce(),
      createPeer: (ice) => this.createPeer(ice),
      send: (signal) => o.send(signal),
      closePeer: () => {
        this.closePeer();
        if (this.driver.closed) this.finishQuality();
      },
      endCall: (reason) => o.endCall(reason),
      camera: (peer, send) => this.video.apply(peer, send),
      answered: (peer) => this.video.answered(peer),
      candidateRefused: (e) => o.log?.(`candidate refused: ${e.message}`),
    });
  }

  private get peer(): PeerConnection | null {
    return this.driver.peer;
  }

  private get now(): () => number {
    return this.o.now ?? Date.now;
  }

  get closed(): boolean {
    return this.driver.closed;
  }

  input(input: AnswererInput): void {
    this.driver.input(input);
  }

  setMuted(on: boolean): void {
    this.muted = on;
    if (this.tone) this.tone.silent = this.muted || this.held;
  }

  /** On hold neither side hears the other: the tone stops here, and the console silences its own. */
  setHeld(on: boolean): void {
    this.held = on;
    if (this.tone) this.tone.silent = this.muted || this.held;
  }

  /** `video:changed`: the camera belongs on the peer while video is on or paused. */
  setVideo(video: VideoState): void {
    this.video.maxKbps = video.maxKbps;
    this.video.setPaused(video.state === 'paused');
    this.input({ type: 'video', send: video.state === 'on' || video.state === 'paused' });
  }

  async stats(): Promise<MediaStats> {
    const report = this.peer ? await peerStats(this.peer) : null;
    const base = {
      connectionState: this.peer?.connectionState ?? 'new',
      iceConnectionState: this.peer?.iceConnectionState ?? 'new',
      energy: this.listener?.energy ?? 0,
      level: this.listener?.level ?? 0,
      frames: this.listener?.frames ?? 0,
      firstAudioAt: this.listener?.firstAudioAt ?? null,
      sending: !this.muted && !this.held,
      iceExpiresAt: this.driver.ice?.expiresAt ?? null,
      video: this.video.stats(),
    };
    const all = report ? [...report.values()] : [];
    const inbound = all.find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
    const transport = all.find((s) => s.type === 'transport' && s.selectedCandidatePairId);
    const pair = transport && report?.get(String(transport.selectedCandidatePairId));
    const local = pair && report?.get(String(pair.localCandidateId));
    return {
      ...base,
      bytesReceived: Number(inbound?.bytesReceived ?? 0),
      packetsReceived: Number(inbound?.packetsReceived ?? 0),
      candidateType: local ? String(local.candidateType) : null,
    };
  }

  private createPeer(ice: RtcIce): PeerConnection {
    this.listener?.stop();
    this.listener = null;
    const peer = newPeer({
      iceServers: ice.iceServers,
      iceTransportPolicy: ice.iceTransportPolicy,
    });
    peer.onicecandidate = ({ candidate }) => this.driver.localCandidate(candidate);
    peer.oniceconnectionstatechange = () => {
      this.o.log?.(`ice ${peer.iceConnectionState}`);
      if (peer.iceConnectionState === 'connected') this.o.connected?.();
    };
    peer.ontrack = ({ track }) => {
      if (track.kind === 'audio' && !this.listener) this.listener = new Listener(track, this.now);
      if (track.kind === 'video') this.video.watch(track);
    };
    this.tone?.stop();
    this.tone = new Tone(this.o.toneHz ?? 440, this.now);
    this.tone.silent = this.muted || this.held;
    peer.addTrack(this.tone.track);
    this.statsTimer ??= setInterval(() => void this.sampleQuality(), this.o.statsEveryMs ?? 1000);
    return peer;
  }

  private async sampleQuality(): Promise<void> {
    const peer = this.peer;
    if (!peer || this.closed) return;
    const report = await peerStats(peer);
    if (!report || this.closed) return;
    const now = this.now();
    this.summarizer.push(readSample(report.values()), now);
    if (this.reportedAt === null || now - this.reportedAt >= QUALITY_REPORT_EVERY_MS) this.reportQuality();
  }

  private reportQuality(): void {
    const summary = this.summarizer.summary();
    if (!summary || !this.o.reportQuality) return;
    this.reportedAt = this.now();
    void this.o.reportQuality(summary).catch(() => undefined);
  }

  /** The call's media is over: no more readings, and the last word on how it sounded. */
  private finishQuality(): void {
    if (this.statsTimer) clearInterval(this.statsTimer);
    this.statsTimer = null;
    this.reportQuality();
  }

  private closePeer(): void {
    this.video.stop();
    this.tone?.stop();
    this.listener?.stop();
    if (this.peer) closePeer(this.peer);
  }
}
