/**
 * The ringtone, made with WebAudio (no audio file to ship). Browsers refuse to start audio before
 * the user has interacted with the page, so the context is created on the first click or key
 * press ("armed"); until then the incoming panel says the ringtone is silent.
 */
class Ringtone {
  private ctx: AudioContext | null = null;
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
      this.ctx ??= new AudioContext();
      void this.ctx.resume().then(() => this.notify());
    } catch {
      // No audio device or WebAudio disabled: the title flash and the panel still announce calls.
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

  /** Two short two-tone rings, quiet enough for an office. */
  private burst(): void {
    const ctx = this.ctx;
    if (ctx?.state !== 'running') return;
    const gain = ctx.createGain();
    gain.connect(ctx.destination);
    const t0 = ctx.currentTime;
    gain.gain.setValueAtTime(0, t0);
    for (const start of [0, 0.5]) {
      gain.gain.linearRampToValueAtTime(0.12, t0 + start + 0.02);
      gain.gain.setValueAtTime(0.12, t0 + start + 0.35);
      gain.gain.linearRampToValueAtTime(0, t0 + start + 0.4);
    }
    for (const freq of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t0);
      osc.stop(t0 + 0.95);
    }
  }

  private notify(): void {
    for (const fn of this.listeners) fn();
  }
}

export const ringtone = new Ringtone();
