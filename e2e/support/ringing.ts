import type { Page } from '@playwright/test';

/**
 * What a page's ringtone does, seen from outside the app (test-side only): every WebAudio tone
 * it starts is counted, and every AudioContext it makes is kept, so a test can read where the
 * tone plays (`sinkId`, the device chosen with setSinkId).
 */
export async function watchRingtone(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const tones = { started: 0, contexts: [] as AudioContext[] };
    Object.assign(window, { __tones: tones });
    const start = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: [number?]) {
      tones.started += 1;
      return start.apply(this, args);
    };
    const Native = window.AudioContext;
    window.AudioContext = class extends Native {
      constructor(options?: AudioContextOptions) {
        super(options);
        tones.contexts.push(this);
      }
    };
  });
}

type Tones = { started: number; sinks: string[] };

/** Tones started so far, and the output device of each AudioContext ('' is the default). */
export function tonesOf(page: Page): Promise<Tones> {
  return page.evaluate(() => {
    const tones = (window as unknown as { __tones: { started: number; contexts: AudioContext[] } }).__tones;
    const sinkOf = (c: AudioContext) => {
      const sink = (c as AudioContext & { sinkId?: string | { type: string } }).sinkId;
      return typeof sink === 'string' ? sink : 'none';
    };
    return { started: tones.started, sinks: tones.contexts.map(sinkOf) };
  });
}
