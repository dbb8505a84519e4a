import { z } from 'zod';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const windowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_SIZE = { width: 1280, height: 820 };
/** At least this much of the title bar must be on a screen, or the window could not be dragged back. */
const GRAB = 80;

/**
 * Where the window opens: where it was, when that is still on a screen (the same size, at most
 * the screen's); otherwise the default size centred on the primary screen. A display unplugged
 * since last time must not leave the window off every screen.
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: Rect[],
): { bounds: Partial<Rect> & { width: number; height: number }; maximized: boolean } {
  const primary = workAreas[0];
  const fallback = () => {
    if (!primary) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
    const width = Math.min(DEFAULT_SIZE.width, primary.width);
    const height = Math.min(DEFAULT_SIZE.height, primary.height);
    return {
      bounds: {
        width,
        height,
        x: primary.x + Math.round((primary.width - width) / 2),
        y: primary.y + Math.round((primary.height - height) / 2),
      },
      maximized: false,
    };
  };
  if (!saved) return fallback();
  const area = workAreas.find((a) => titleBarVisible(saved, a));
  if (!area) return fallback();
  return {
    bounds: {
      x: saved.x,
      y: saved.y,
      width: Math.min(saved.width, area.width),
      height: Math.min(saved.height, area.height),
    },
    maximized: saved.maximized,
  };
}

function titleBarVisible(w: Rect, area: Rect): boolean {
  const left = Math.max(w.x, area.x);
  const right = Math.min(w.x + w.width, area.x + area.width);
  const topInside = w.y >= area.y && w.y < area.y + area.height - GRAB / 2;
  return right - left >= GRAB && topInside;
}

/**
 * Saves the window's place as it moves and resizes, at most once per `delayMs` (a drag fires
 * hundreds of events), and at once on close. Maximized windows keep their normal bounds.
 */
export class WindowStateKeeper {
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly o: {
      read: () => { normal: Rect; maximized: boolean };
      save: (state: WindowState) => void;
      delayMs?: number;
      setTimer?: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
      clearTimer?: (t: ReturnType<typeof setTimeout>) => void;
    },
  ) {}

  /** A move or resize: save soon. */
  changed(): void {
    if (this.timer) return;
    const set = this.o.setTimer ?? setTimeout;
    this.timer = set(() => {
      this.timer = null;
      this.saveNow();
    }, this.o.delayMs ?? 500);
  }

  /** The window closes: save now, and forget any pending save. */
  saveNow(): void {
    if (this.timer) (this.o.clearTimer ?? clearTimeout)(this.timer);
    this.timer = null;
    const { normal, maximized } = this.o.read();
    this.o.save({ ...normal, maximized });
  }
}
