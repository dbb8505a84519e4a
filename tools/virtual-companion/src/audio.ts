import { type AudioSink, type AudioSource, type MediaTrack, wrtc } from './wrtc';

const RATE = 48_000;
const FRAME = RATE / 100;
/** A frame this quiet (RMS, full scale 1) is silence: Opus decodes silence to about 0. */
export const AUDIBLE = 0.002;

/**
 * A sine tone as a WebRTC audio track: 10 ms frames of 16-bit PCM at 48 kHz, fed in real time
 * (every frame that is due, so a late timer does not slow the tone). Silent frames while `silent`.
 */
export class Tone {
  readonly track: MediaTrack;
  silent = false;
  private readonly source: AudioSource;
  private readonly ticker: NodeJS.Timeout;
  private sent = 0;

  constructor(hz = 440, now: () => number = Date.now) {
    this.source = new (wrtc().nonstandard.RTCAudioSource)();
    this.track = this.source.createTrack();
    const startedAt = now();
    this.ticker = setInterval(() => {
      const due = Math.floor((now() - startedAt) / 10);
      for (let n = 0; this.sent < due && n < 20; n++) this.frame(hz);
      this.sent = Math.max(this.sent, due);
    }, 10);
    this.ticker.unref();
  }

  stop(): void {
    clearInterval(this.ticker);
    this.track.stop();
  }

  private frame(hz: number): void {
    const samples = new Int16Array(FRAME);
    if (!this.silent) {
      for (let i = 0; i < FRAME; i++) {
        samples[i] = Math.round(Math.sin((2 * Math.PI * hz * (this.sent * FRAME + i)) / RATE) * 8_000);
      }
    }
    this.source.onData({ samples, sampleRate: RATE });
    this.sent += 1;
  }
}

/** What arrives on a remote audio track: energy as getStats counts it, the recent level, frames. */
export class Listener {
  /** Σ level² × seconds (level 0..1), like `totalAudioEnergy`. */
  energy = 0;
  /** Audio frames delivered so far (10 ms each): a clock made of what arrived. */
  frames = 0;
  firstAudioAt: number | null = null;
  private readonly sink: AudioSink;
  private readonly recent: number[] = [];

  constructor(track: MediaTrack, now: () => number = Date.now) {
    this.sink = new (wrtc().nonstandard.RTCAudioSink)(track);
    this.sink.ondata = ({ samples, sampleRate, channelCount }) => {
      let sum = 0;
      for (const s of samples) sum += (s / 32_768) ** 2;
      const meanSquare = samples.length ? sum / samples.length : 0;
      this.energy += meanSquare * (samples.length / (channelCount ?? 1) / sampleRate);
      this.frames += 1;
      this.recent.push(meanSquare);
      if (this.recent.length > 10) this.recent.shift();
      if (this.firstAudioAt === null && Math.sqrt(meanSquare) > AUDIBLE) this.firstAudioAt = now();
    };
  }

  /** RMS level (0..1) of the last 100 ms. */
  get level(): number {
    return this.recent.length ? Math.sqrt(this.recent.reduce((a, b) => a + b, 0) / this.recent.length) : 0;
  }

  stop(): void {
    this.sink.stop();
  }
}
