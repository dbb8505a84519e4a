import { describe, expect, it } from 'vitest';
import { readVideoStats, videoStatsText } from './video-stats';

describe('video stats in the call’s quality line (issue 27)', () => {
  it('reads the inbound video’s size, frame rate and bitrate from getStats', () => {
    const at = (bytes: number) => [
      { type: 'inbound-rtp', kind: 'audio', bytesReceived: 999 },
      {
        type: 'inbound-rtp',
        kind: 'video',
        frameWidth: 640,
        frameHeight: 480,
        framesPerSecond: 29.6,
        bytesReceived: bytes,
      },
    ];
    const first = readVideoStats(at(10_000), 1_000, null)!;
    expect(first).toMatchObject({ width: 640, height: 480, fps: 30, kbps: null });
    const next = readVideoStats(at(160_000), 2_000, first)!;
    expect(next.kbps).toBe(1200);
    expect(videoStatsText(next)).toBe('640×480 · 30 fps · 1,200 kbit/s');
    expect(readVideoStats([{ type: 'inbound-rtp', kind: 'audio' }], 0, null)).toBeNull();
  });
});
