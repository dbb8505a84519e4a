import { describe, expect, it } from 'vitest';
import { pointOnPicture } from './session';

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
});
