import type { Ack, Camera, VideoMarker, VideoReportEvent, VideoState } from '#shared';
import type { PhoneMedia } from './media';

/** What the simulated person does when the agent asks for video. */
export type VideoAnswer = 'accept' | 'decline' | 'ignore';

export interface PhoneVideoOptions {
  answer: VideoAnswer;
  /** `video:report`, through the phone's acked requests. */
  report(callId: string, event: VideoReportEvent, camera?: Camera): Promise<Ack<VideoState>>;
  /** The call's media peer (media mode), which attaches and detaches the camera. */
  media(callId: string): PhoneMedia | null;
  emit(event: 'video' | 'marker', payload: VideoState | VideoMarker): void;
}

/**
 * The virtual phone's video (issue 27), as the iOS app's prompt and coordinator would act: it
 * follows the server's `video:changed`, answers a request as its person would, and keeps every
 * marker the agent placed, so tests and the demo can check what reached the phone.
 */
export class PhoneVideo {
  readonly states = new Map<string, VideoState>();
  readonly markers: VideoMarker[] = [];

  constructor(private readonly o: PhoneVideoOptions) {}

  changed(video: VideoState): void {
    const before = this.states.get(video.callId);
    this.states.set(video.callId, video);
    this.o.media(video.callId)?.setVideo(video);
    this.o.emit('video', video);
    if (video.state !== 'requested' || before?.state === 'requested') return;
    if (this.o.answer === 'accept') void this.o.report(video.callId, 'accepted', 'back');
    else if (this.o.answer === 'decline') void this.o.report(video.callId, 'declined');
  }

  marker(marker: VideoMarker): void {
    this.markers.push(marker);
    this.o.emit('marker', marker);
  }
}
