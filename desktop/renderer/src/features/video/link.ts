import type { VideoState } from '#shared';

// Typed here rather than taken from features/call: the link runs in Node too (tests, the media
// benchmark), where the call feature's index (React) cannot load. The voice controller fits these.
type DirectionLike = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export interface TrackLike {
  enabled: boolean;
  readonly kind: string;
  stop(): void;
}
interface TransceiverLike {
  readonly sender: { replaceTrack(track: TrackLike | null): Promise<void> };
  readonly receiver: { readonly track: TrackLike };
  direction: DirectionLike;
}
export interface VoiceLike {
  readonly peerConnection: {
    addTransceiver(kind: 'video', init: { direction: DirectionLike }): TransceiverLike;
  } | null;
  /** Offers again; `videoKbps` caps what the phone sends on the video section. */
  renegotiate(videoKbps: number | null): Promise<void>;
}

export interface VideoLinkDeps {
  /** The call's voice: its peer connection carries the video too, and it makes the offers. */
  voice: VoiceLike;
  /** The agent's camera, for two-way video; rejects as getUserMedia does. */
  openCamera?(): Promise<TrackLike>;
  /** The phone's video track, to show (the same track object for the whole call). */
  onRemoteVideo(track: TrackLike): void;
}

/**
 * The console's side of a call's video (issue 27): it follows the server's video state on the
 * call's own peer connection. The console makes every offer, so each change of what should flow
 * (video on, the agent's camera on or off, video off) is a direction on one video transceiver and
 * a re-offer from the same session; the audio transceiver is never touched, so voice goes on.
 * The transceiver is added once and kept (`inactive` when off), so the SDP never grows.
 */
export class VideoLink {
  private transceiver: TransceiverLike | null = null;
  private camera: TrackLike | null = null;
  /** Changes apply one at a time, in order: each may wait for the camera or an offer. */
  private chain: Promise<void> = Promise.resolve();
  private latest: VideoState | null = null;
  /** The direction and cap last offered (a transceiver just added has not been offered yet). */
  private offered: string | null = null;

  constructor(private readonly deps: VideoLinkDeps) {}

  /** The server's latest video state for the call. */
  apply(video: VideoState): Promise<void> {
    this.latest = video;
    this.chain = this.chain.then(() => this.step()).catch(() => undefined);
    return this.chain;
  }

  /** The agent's camera, while two-way video is on (for the local preview). */
  get localCamera(): TrackLike | null {
    return this.camera;
  }

  close(): void {
    this.camera?.stop();
    this.camera = null;
  }

  private async step(): Promise<void> {
    const video = this.latest;
    const peer = this.deps.voice.peerConnection;
    if (!video || !peer) return;
    const flowing = video.state === 'on' || video.state === 'paused';
    if (!flowing && !this.transceiver) return;
    if (!this.transceiver) {
      this.transceiver = peer.addTransceiver('video', { direction: 'recvonly' });
      this.deps.onRemoteVideo(this.transceiver.receiver.track);
    }
    const t = this.transceiver;
    const wantCamera = flowing && video.agentCamera && this.deps.openCamera !== undefined;
    if (wantCamera && !this.camera) {
      try {
        this.camera = await this.deps.openCamera!();
        await t.sender.replaceTrack(this.camera);
      } catch {
        this.camera = null; // No camera (refused, none plugged in): the phone's video still flows.
      }
    } else if (!wantCamera && this.camera) {
      await t.sender.replaceTrack(null);
      this.camera.stop();
      this.camera = null;
    }
    const direction: DirectionLike = !flowing ? 'inactive' : this.camera ? 'sendrecv' : 'recvonly';
    const offer = `${direction} ${video.maxKbps}`;
    if (this.offered === offer) return;
    t.direction = direction;
    this.offered = offer;
    await this.deps.voice.renegotiate(video.maxKbps);
  }
}
