import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface LogLine {
  at: number;
  level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  message: string;
}

const LEVELS: Record<number, LogLine['level']> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/**
 * The last lines the embedded server logged, for the About panel. The server logs pino JSON; a
 * line that is not JSON (a crash's stack on stderr) is kept as an error line, as written.
 */
export class LogTail {
  private readonly lines: LogLine[] = [];

  constructor(private readonly capacity: number) {}

  /** Follows a stream line by line; `raw` gets each line as written (for the log file). */
  follow(stream: Readable, raw?: (line: string) => void): void {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      if (line.trim() === '') return;
      raw?.(line);
      this.push(parseLogLine(line, Date.now()));
    });
  }

  push(line: LogLine): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** Oldest first. */
  recent(count = this.capacity): LogLine[] {
    return this.lines.slice(-count);
  }
}

/** A pino line in words: its message, with the error's message or the reason when it has one. */
export function parseLogLine(line: string, now: number): LogLine {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return { at: now, level: 'error', message: line };
  }
  if (typeof entry !== 'object' || entry === null) return { at: now, level: 'error', message: line };
  const level = LEVELS[Number(entry.level)] ?? 'info';
  const err = entry.err as { message?: unknown } | undefined;
  const detail = typeof err?.message === 'string' ? `: ${err.message}` : '';
  const message = typeof entry.msg === 'string' ? `${entry.msg}${detail}` : line;
  return { at: typeof entry.time === 'number' ? entry.time : now, level, message };
}
