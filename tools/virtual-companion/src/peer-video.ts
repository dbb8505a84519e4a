import { SyntheticCamera, VideoWatcher } from './camera';
import type { MediaTrack, PeerConnection, Transceiver } from './wrtc';

/** What the phone measures of a call's video, both ways. */
export interface VideoStats {
  /** The camera is attached to the peer (video on or paused). */
  cameraOn: boolean;
  paused: boolean;
  /** Frames the camera fed to its track. */
  framesSent: number;
  /** The agent's camera, when two-way: frames that arrived, and their size. */
  framesReceived: number;
  receivedWidth: number;
  receivedHeight: number;
}

/**
 * The phone's side of video on one call's peer (issue 27): the answerer's `camera` effect puts the
 * synthetic camera on the offer's video transceiver or takes it off, capped to the team's bitrate
 * with WebRTC's `maintain-framerate` (a hand-held camera should lose sharpness, not motion).
 */
export class PeerVideo {
  maxKbps = 1_200;
  private camera: SyntheticCamera | null = null;
  private watcher: VideoWatcher | null = null;
  private paused = false;

  constructor(private readonly now: () => number) {}

  /** Between applying a re-offer and answering it: the video section sends the camera, or not. */
  async apply(peer: PeerConnection, send: boolean): Promise<void> {
    const transceiver = videoTransceiver(peer);
    if (!transceiver) return;
    if (!send) {
      await transceiver.sender.replaceTrack(null);
      transceiver.direction = 'recvonly';
      this.camera?.stop();
      this.camera = null;
      return;
    }
    this.camera ??= new SyntheticCamera({ now: this.now });
    this.camera.paused = this.paused;
    await transceiver.sender.replaceTrack(this.camera.track);
    transceiver.direction = 'sendrecv';
  }

  /**
   * Once the answer is set: a sender has its encodings only after negotiation, so the team's cap
   * can only be put on them then.
   */
  async answered(peer: PeerConnection): Promise<void> {
    const transceiver = videoTransceiver(peer);
    if (this.camera && transceiver) await this.cap(transceiver);
  }

  /** Paused: the track stays on the peer and sends no frames (no renegotiation). */
  setPaused(on: boolean): void {
    this.paused = on;
    if (this.camera) this.camera.paused = on;
  }

  watch(track: MediaTrack): void {
    this.watcher?.stop();
    this.watcher = new VideoWatcher(track, this.now);
  }

  stats(): VideoStats {
    return {
      cameraOn: this.camera !== null,
      paused: this.paused,
      framesSent: this.camera?.frames ?? 0,
      framesReceived: this.watcher?.frames ?? 0,
      receivedWidth: this.watcher?.width ?? 0,
      receivedHeight: this.watcher?.height ?? 0,
    };
  }

  stop(): void {
    this.camera?.stop();
    this.camera = null;
    this.watcher?.stop();
    this.watcher = null;
  }

  private async cap(transceiver: Transceiver): Promise<void> {
    const params = transceiver.sender.getParameters();
    try {
      await transceiver.sender.setParameters({
        ...params,
        encodings: params.encodings.map((e) => ({ ...e, maxBitrate: this.maxKbps * 1000 })),
        degradationPreference: 'maintain-framerate',
      });
    } catch {
      // A libwebrtc build that refuses a parameter still sends video, only uncapped.
    }
  }
}

/** The offer's video section: the transceiver whose receiver carries video. */
function videoTransceiver(peer: PeerConnection): Transceiver | undefined {
  return peer.getTransceivers().find((t) => !t.stopped && t.receiver.track.kind === 'video');
}
