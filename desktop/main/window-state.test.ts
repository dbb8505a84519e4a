import { describe, expect, it } from 'vitest';
import { restoreBounds, type WindowState, WindowStateKeeper } from './window-state';

const laptop = { x: 0, y: 0, width: 1440, height: 875 };
const external = { x: 1440, y: 0, width: 2560, height: 1415 };

describe('where the window opens', () => {
  it('opens where it was, maximized again if it was', () => {
    const saved: WindowState = { x: 1600, y: 100, width: 1400, height: 900, maximized: true };
    expect(restoreBounds(saved, [laptop, external])).toEqual({
      bounds: { x: 1600, y: 100, width: 1400, height: 900 },
      maximized: true,
    });
  });

  it('comes back to the primary screen, centred, when its display is gone', () => {
    const saved: WindowState = { x: 1600, y: 100, width: 1400, height: 900, maximized: false };
    expect(restoreBounds(saved, [laptop])).toEqual({
      bounds: { x: 80, y: 28, width: 1280, height: 820 },
      maximized: false,
    });
  });

  it('refuses a place whose title bar is off screen or barely on it, and shrinks to fit the screen', () => {
    const titleAbove = { x: 100, y: -300, width: 1000, height: 800, maximized: false };
    expect(restoreBounds(titleAbove, [laptop]).bounds.y).toBe(28);
    const sliver = { x: 1400, y: 100, width: 1000, height: 800, maximized: false };
    expect(restoreBounds(sliver, [laptop]).bounds.x).toBe(80);
    const huge = { x: 0, y: 0, width: 3000, height: 2000, maximized: false };
    expect(restoreBounds(huge, [laptop]).bounds).toEqual({ x: 0, y: 0, width: 1440, height: 875 });
  });

  it('uses the default size on first run', () => {
    expect(restoreBounds(null, [{ x: 0, y: 0, width: 1024, height: 700 }]).bounds).toEqual({
      x: 0,
      y: 0,
      width: 1024,
      height: 700,
    });
  });
});

describe('saving the window place', () => {
  it('saves a burst of moves once, after the delay, and at once on close', () => {
    const saved: WindowState[] = [];
    const timers: (() => void)[] = [];
    let normal = { x: 10, y: 10, width: 900, height: 700 };
    const keeper = new WindowStateKeeper({
      read: () => ({ normal, maximized: false }),
      save: (s) => saved.push(s),
      setTimer: (fn) => {
        timers.push(fn);
        return timers.length as unknown as ReturnType<typeof setTimeout>;
      },
      clearTimer: () => timers.splice(0),
    });
    keeper.changed();
    normal = { ...normal, x: 20 };
    keeper.changed();
    expect(timers).toHaveLength(1);
    expect(saved).toEqual([]);
    timers.shift()!();
    expect(saved).toEqual([{ x: 20, y: 10, width: 900, height: 700, maximized: false }]);

    keeper.changed();
    normal = { ...normal, width: 1000 };
    keeper.saveNow();
    expect(timers).toEqual([]);
    expect(saved.at(-1)).toEqual({ x: 20, y: 10, width: 1000, height: 700, maximized: false });
  });
});
