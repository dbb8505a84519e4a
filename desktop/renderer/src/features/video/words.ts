import type { VideoState } from '#shared';

/** What the panel says of the call's video, in words, with `person` the staff member's name. */
export function videoStatusText(video: VideoState | undefined, person: string): string | null {
  if (!video) return null;
  switch (video.state) {
    case 'requested':
      return `Asking ${person} to turn on their camera…`;
    case 'paused':
      return `${person} paused their camera.`;
    case 'on':
      return video.camera === 'front' ? `${person}'s front camera` : `${person}'s camera`;
    case 'off':
      switch (video.reason) {
        case 'declined':
          return `${person} declined video.`;
        case 'unanswered':
          return `${person} did not answer the video request.`;
        case 'stopped':
          return video.by === 'phone' ? `${person} stopped their video.` : 'You stopped the video.';
        case 'held':
          return 'Video stopped: the call is on hold.';
        case 'transferred':
          return 'Video stopped: the call changed hands.';
        default:
          return null;
      }
  }
}
