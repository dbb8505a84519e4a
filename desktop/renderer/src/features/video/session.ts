import { createStore } from 'zustand/vanilla';
import type { VideoState } from '#shared';
import type { ReadonlyStore } from '../../store/store';
import { voiceController } from '../call';
import { type TrackLike, VideoLink } from './link';

export interface VideoMediaState {
  callId: string | null;
  /** The phone's video, for the panel's <video>. */
  remote: MediaStream | null;
  /** The agent's own camera while two-way video is on, for a small preview. */
  local: MediaStream | null;
}

const store = createStore<VideoMediaState>(() => ({ callId: null, remote: null, local: null }));
/** The call's video media on this console (the softphone); only this module changes it. */
export const videoMediaStore: ReadonlyStore<VideoMediaState> = store;

let current: { callId: string; link: VideoLink } | null = null;

/**
 * Applies the server's video state on the call's voice (its peer connection): the link re-offers
 * as needed. Called on every state change and when the voice (re)starts, whichever comes first.
 */
export function applyVideo(callId: string, video: VideoState | undefined): void {
  const voice = voiceController(callId);
  if (!voice || !video) return;
  if (current?.callId !== callId) {
    stopVideo();
    const link = new VideoLink({
      voice,
      openCamera: async () => {
        const stream = await navigator.mediaDevices.getUserMedia({ video: true });
        store.setState({ local: stream });
        return stream.getVideoTracks()[0] as unknown as TrackLike;
      },
      onRemoteVideo: (track) =>
        store.setState({ remote: new MediaStream([track as unknown as MediaStreamTrack]) }),
    });
    current = { callId, link };
    store.setState({ callId, remote: null, local: null });
  }
  if (!video.agentCamera) store.setState({ local: null });
  void current?.link.apply(video);
}

export function stopVideo(): void {
  if (!current) return;
  current.link.close();
  current = null;
  store.setState({ callId: null, remote: null, local: null });
}

/**
 * A snapshot of what the panel's <video> shows now, as a JPEG in base64 (the upload's body), at
 * the picture's own size, not the panel's.
 */
export function grabFrame(video: HTMLVideoElement): { jpeg: string; width: number; height: number } | null {
  const width = video.videoWidth;
  const height = video.videoHeight;
  if (width === 0 || height === 0) return null;
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  canvas.getContext('2d')?.drawImage(video, 0, 0, width, height);
  const jpeg = canvas.toDataURL('image/jpeg', 0.9).replace(/^data:image\/jpeg;base64,/, '');
  return { jpeg, width, height };
}

/** Where a click on the <video> falls on the picture (0–1), given `object-fit: contain`; null off it. */
export function pointOnPicture(
  video: { videoWidth: number; videoHeight: number },
  box: { left: number; top: number; width: number; height: number },
  clientX: number,
  clientY: number,
): { x: number; y: number } | null {
  if (video.videoWidth === 0 || box.width === 0) return null;
  const scale = Math.min(box.width / video.videoWidth, box.height / video.videoHeight);
  const shownW = video.videoWidth * scale;
  const shownH = video.videoHeight * scale;
  const x = (clientX - box.left - (box.width - shownW) / 2) / shownW;
  const y = (clientY - box.top - (box.height - shownH) / 2) / shownH;
  if (x < 0 || x > 1 || y < 0 || y > 1) return null;
  return { x, y };
}
