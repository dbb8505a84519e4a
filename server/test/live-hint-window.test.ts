import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LIVE_HINT_WINDOW_MS, LiveHint } from '../src/supervise/live-hint';

/**
 * The Live board's hint (`live:changed`) at most once per window: every admin's open board
 * reloads the whole board on each (live-hint.ts). The window runs on vitest's fake timers.
 */
describe('the Live board hint, paced', () => {
  let sent: number;
  let hint: LiveHint;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    sent = 0;
    hint = new LiveHint(() => sent++);
  });
  afterEach(() => {
    hint.close();
    vi.useRealTimers();
  });

  it('goes at once at rest, and what comes within the window as one hint at its end', () => {
    hint.changed();
    expect(sent).toBe(1);

    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(LIVE_HINT_WINDOW_MS / 10);
      hint.changed();
    }
    expect(sent).toBe(1);
    vi.advanceTimersByTime(LIVE_HINT_WINDOW_MS / 2);
    expect(sent).toBe(2);

    // Nothing more changed: nothing more is sent.
    vi.advanceTimersByTime(LIVE_HINT_WINDOW_MS * 4);
    expect(sent).toBe(2);
    // After a quiet window, at once again.
    hint.changed();
    expect(sent).toBe(3);
  });

  it('sends nothing once closed, not even a hint waiting for its window', () => {
    hint.changed();
    hint.changed();
    hint.close();
    vi.advanceTimersByTime(LIVE_HINT_WINDOW_MS * 2);
    hint.changed();
    expect(sent).toBe(1);
  });
});
