import type { VideoSettings, VideoState } from '#shared';
import type { ConsoleSlice } from '../../store/store';

export interface VideoData {
  /** Each of the agent's calls' video, as the server last said (`video:changed`). */
  videos: Record<string, VideoState>;
  /** The team's video settings once known (`video:settings`, `video:configured`). */
  videoSettings: VideoSettings | null;
}

export interface VideoSlice extends VideoData {
  videoChanged(video: VideoState): void;
  videoConfigured(settings: VideoSettings): void;
}

export const videoData = (): VideoData => ({ videos: {}, videoSettings: null });

/** Video in calls (issue 27): the server's state per call, and the team's settings. */
export const createVideoSlice: ConsoleSlice<VideoSlice> = (set) => ({
  ...videoData(),
  videoChanged: (video) => set((s) => ({ videos: { ...s.videos, [video.callId]: video } })),
  videoConfigured: (settings) => set({ videoSettings: settings }),
});
