import { type MediaTrack, type VideoFrame, type VideoSink, type VideoSource, wrtc } from './wrtc';

/**
 * A 3×5 bitmap font for the clock on the picture: digits, the colon and the dot, each row 3 bits
 * (the high bit on the left). Enough to read the phone's time off a snapshot or a screenshot.
 */
const GLYPHS: Record<string, number[]> = {
  '0': [7, 5, 5, 5, 7],
  '1': [2, 6, 2, 2, 7],
  '2': [7, 1, 7, 4, 7],
  '3': [7, 1, 7, 1, 7],
  '4': [5, 5, 7, 1, 1],
  '5': [7, 4, 7, 1, 7],
  '6': [7, 4, 7, 5, 7],
  '7': [7, 1, 1, 1, 1],
  '8': [7, 5, 7, 5, 7],
  '9': [7, 5, 7, 1, 7],
  ':': [0, 2, 0, 2, 0],
  '.': [0, 0, 0, 0, 2],
};

/** `HH:MM:SS.t` of an epoch time, in UTC (what the picture shows). */
export function clockText(at: number): string {
  const d = new Date(at);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${Math.floor(d.getUTCMilliseconds() / 100)}`;
}

/**
 * Draws `text` into an 8-bit plane (row stride `width`) at (x, y), each font pixel a `scale`-sized
 * square of `value`. Characters the font lacks are left blank.
 */
export function drawText(
  plane: Uint8Array,
  width: number,
  text: string,
  x: number,
  y: number,
  scale: number,
  value: number,
): void {
  const height = plane.length / width;
  for (const [i, ch] of [...text].entries()) {
    const rows = GLYPHS[ch];
    if (!rows) continue;
    const left = x + i * 4 * scale;
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 3; c++) {
        if (!((rows[r] ?? 0) & (4 >> c))) continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = y + r * scale + dy;
          if (py < 0 || py >= height) continue;
          const start = left + c * scale;
          if (start >= width) continue;
          plane.fill(value, py * width + Math.max(0, start), py * width + Math.min(width, start + scale));
        }
      }
    }
  }
}

/**
 * One I420 frame of the test pattern at `at`: diagonal bands that move with time, a bright square
 * sweeping left to right, and the time written large on a dark strip. Each frame differs, so an
 * encoder never skips one as static, and a receiver can tell frames (and freezes) apart.
 */
export function patternFrame(width: number, height: number, at: number, startedAt: number): VideoFrame {
  const ySize = width * height;
  const cSize = (width / 2) * (height / 2);
  const data = new Uint8Array(ySize + 2 * cSize);
  const t = at - startedAt;
  const shift = Math.floor(t / 8);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) data[row + x] = 60 + (((x + y + shift) >> 3) & 15) * 8;
  }
  const side = Math.floor(height / 5);
  const boxX = Math.floor(((t / 4_000) % 1) * (width - side));
  const boxY = Math.floor(height / 2 - side / 2);
  for (let y = boxY; y < boxY + side; y++) data.fill(235, y * width + boxX, y * width + boxX + side);
  const scale = Math.max(2, Math.floor(width / 80));
  const strip = 7 * scale;
  data.fill(16, 0, strip * width);
  drawText(data, width, clockText(at), scale, scale, scale, 235);
  // Chroma: a hue that drifts with time, so colour is moving too.
  const u = 128 + Math.round(Math.sin(t / 1_000) * 60);
  const v = 128 + Math.round(Math.cos(t / 1_000) * 60);
  data.fill(u, ySize, ySize + cSize);
  data.fill(v, ySize + cSize);
  return { width, height, data };
}

export interface CameraOptions {
  width?: number;
  height?: number;
  fps?: number;
  now?: () => number;
}

/**
 * The virtual phone's camera: a WebRTC video track (`nonstandard.RTCVideoSource`) fed the test
 * pattern in real time, every frame that is due (a late timer does not slow the clock on it).
 * Paused, it sends nothing: the track stays on the peer, as a paused camera does on the iPhone.
 */
export class SyntheticCamera {
  readonly track: MediaTrack;
  paused = false;
  /** Frames fed to the track so far. */
  frames = 0;
  private readonly source: VideoSource;
  private readonly ticker: NodeJS.Timeout;
  private readonly width: number;
  private readonly height: number;

  constructor(o: CameraOptions = {}) {
    this.width = o.width ?? 640;
    this.height = o.height ?? 480;
    const fps = o.fps ?? 30;
    const now = o.now ?? Date.now;
    this.source = new (wrtc().nonstandard.RTCVideoSource)();
    this.track = this.source.createTrack();
    const startedAt = now();
    let due = 0;
    this.ticker = setInterval(
      () => {
        const at = now();
        const owed = Math.floor(((at - startedAt) * fps) / 1000);
        // Only the newest frame of those owed: a camera that fell behind drops, never bursts.
        if (owed <= due) return;
        due = owed;
        if (this.paused) return;
        this.source.onFrame(patternFrame(this.width, this.height, at, startedAt));
        this.frames += 1;
      },
      Math.max(5, Math.floor(1000 / fps / 2)),
    );
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
    this.track.stop();
  }
}

/** What arrives on a remote video track: frames, their size, and when the first came. */
export class VideoWatcher {
  frames = 0;
  width = 0;
  height = 0;
  firstFrameAt: number | null = null;
  private readonly sink: VideoSink;

  constructor(track: MediaTrack, now: () => number = Date.now) {
    this.sink = new (wrtc().nonstandard.RTCVideoSink)(track);
    this.sink.onframe = ({ frame }) => {
      this.frames += 1;
      this.width = frame.width;
      this.height = frame.height;
      this.firstFrameAt ??= now();
    };
  }

  stop(): void {
    this.sink.stop();
  }
}
