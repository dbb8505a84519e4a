import { describe, expect, it } from 'vitest';
import { pointOnPicture } from './session';
import { readVideoStats, videoStatsText } from './stats';

describe('the console’s video panel arithmetic (issue 27)', () => {
  it('a click maps to the picture under object-fit: contain, letterbox bars excluded', () => {
    const video = { videoWidth: 640, videoHeight: 480 };
    // A 4:3 picture in a 1000×500 box: shown 666.7×500, bars of 166.7 px left and right.
    const box = { left: 100, top: 50, width: 1000, height: 500 };
    expect(pointOnPicture(video, box, 600, 300)).toEqual({ x: 0.5, y: 0.5 });
    const corner = pointOnPicture(video, box, 100 + 1000 / 6 + 1, 51)!;
    expect(corner.x).toBeCloseTo(0.0015, 3);
    expect(corner.y).toBeCloseTo(0.002, 3);
    expect(pointOnPicture(video, box, 150, 300)).toBeNull();
    expect(pointOnPicture({ videoWidth: 0, videoHeight: 0 }, box, 600, 300)).toBeNull();
  });

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
