import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ownerName } from '../owner-name';
import { LogTail, parseLogLine } from './logs';

describe('the embedded server log tail', () => {
  it('reads pino lines in words (with the error), and keeps a crash stack as an error line', () => {
    const line = JSON.stringify({
      level: 50,
      time: 5,
      msg: 'push failed',
      err: { message: 'socket hang up' },
    });
    expect(parseLogLine(line, 9)).toEqual({ at: 5, level: 'error', message: 'push failed: socket hang up' });
    expect(parseLogLine('    at Object.<anonymous> (entry.js:1:1)', 9)).toEqual({
      at: 9,
      level: 'error',
      message: '    at Object.<anonymous> (entry.js:1:1)',
    });
  });

  it('follows a stream line by line, passes each raw line on, and keeps only the last lines', async () => {
    const tail = new LogTail(2);
    const stream = new PassThrough();
    const raw: string[] = [];
    tail.follow(stream, (l) => raw.push(l));
    const done = new Promise((resolve) => stream.on('end', resolve));
    const line = (msg: string) => JSON.stringify({ level: 30, time: 1, msg });
    // A blank line (a trailing newline) is no log line.
    stream.end([line('a'), line('b'), '', line('c')].join('\n'));
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect(raw).toEqual([line('a'), line('b'), line('c')]);
    expect(tail.recent().map((l) => l.message)).toEqual(['b', 'c']);
  });
});

describe('the owner agent name', () => {
  it("is the computer user's name when it is a valid name, else Owner", () => {
    expect(ownerName('  dana ')).toBe('dana');
    expect(ownerName('')).toBe('Owner');
    expect(ownerName('evil\u202Ename')).toBe('Owner');
  });
});
