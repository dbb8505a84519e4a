/** Chromium 110+ and Electron route a WebAudio context to a chosen output; others use the default. */
type SinkableContext = AudioContext & { setSinkId?: (id: string) => Promise<void> };

/**
 * The ringtone, made with WebAudio (no audio file to ship). Browsers refuse to start audio before
 * the user has interacted with the page, so the context is created on the first click or key
 * press ("armed"); until then the incoming panel says the ringtone is silent.
 *
 * It plays on its own device (`sink`), apart from the call's speaker, so an agent with a headset
 * on the desk still hears the ring from the laptop. A device that cannot be used (unplugged)
 * falls back to the default, and `onSinkFailed` says so.
 */
class Ringtone {
  private ctx: SinkableContext | null = null;
  private sink = '';
  /** Told when the chosen ringtone device could not be used and the default plays instead. */
  onSinkFailed: (() => void) | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly listeners = new Set<() => void>();

  get armed(): boolean {
    return this.ctx !== null && this.ctx.state === 'running';
  }

  /** Call once at start-up: arms the tone on the first user gesture. */
  install(target: Window = window): void {
    const arm = () => {
      this.arm();
      if (this.armed) {
        target.removeEventListener('pointerdown', arm, true);
        target.removeEventListener('keydown', arm, true);
      }
    };
    target.addEventListener('pointerdown', arm, true);
    target.addEventListener('keydown', arm, true);
  }

  arm(): void {
    try {
      if (!this.ctx) {
        this.ctx = new AudioContext();
        void this.route();
      }
      void this.ctx.resume().then(() => this.notify());
    } catch {
      // No audio device or WebAudio disabled: the title flash and the panel still announce calls.
    }
  }

  /** Whether this browser can play the ringtone on a device of its own. */
  get canChooseDevice(): boolean {
    return typeof AudioContext !== 'undefined' && 'setSinkId' in AudioContext.prototype;
  }

  /** The output device for the ringtone ('' is the system default). */
  setDevice(id: string): Promise<void> {
    this.sink = id;
    return this.route();
  }

  private async route(): Promise<void> {
    const ctx = this.ctx;
    if (!ctx?.setSinkId) return;
    try {
      await ctx.setSinkId(this.sink);
    } catch {
      if (this.sink === '') return;
      this.sink = '';
      await ctx.setSinkId('').catch(() => undefined);
      this.onSinkFailed?.();
    }
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  start(): void {
    if (this.timer) return;
    this.burst();
    this.timer = setInterval(() => this.burst(), 3000);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One short ring: auto-answer's warning that a call is about to be answered. */
  chirp(): void {
    this.tone([0], 0.45);
  }

  /** Two short two-tone rings, quiet enough for an office. */
  private burst(): void {
    this.tone([0, 0.5], 0.95);
  }

  private tone(starts: number[], length: number): void {
    const ctx = this.ctx;
    if (ctx?.state !== 'running') return;
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const t0 = ctx.currentTime;
    gain.gain.setValueAtTime(0, t0);
    for (const start of starts) {
      gain.gain.linearRampToValueAtTime(0.12, t0 + start + 0.02);
      gain.gain.setValueAtTime(0.12, t0 + start + 0.35);
      gain.gain.linearRampToValueAtTime(0, t0 + start + 0.4);
    }
    for (const freq of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t0);
      osc.stop(t0 + length);
    }
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}

export const ringtone = new Ringtone();
