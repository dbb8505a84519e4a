import { describe, expect, it } from 'vitest';
import { KeyedQueue } from '../src/calls/queue';

describe('KeyedQueue', () => {
  it('runs one task per key at a time, in order, and keys independently', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const a1 = q.run('a', async () => {
      log.push('a1 start');
      await gate;
      log.push('a1 end');
    });
    const a2 = q.run('a', async () => void log.push('a2'));
    await q.run('b', async () => void log.push('b1'));
    expect(log).toEqual(['a1 start', 'b1']);
    release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    expect(q.busy('a')).toBe(false);
  });

  it('lets urgent tasks pass lazy ones that have not started', async () => {
    const q = new KeyedQueue();
    const log: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = q.run('call', async () => {
      await gate;
      log.push('first');
    });
    const lazy = q.run('call', async () => void log.push('lazy'), 'lazy');
    const urgent = q.run('call', async () => void log.push('urgent'));
    release();
    await Promise.all([first, lazy, urgent]);
    expect(log).toEqual(['first', 'urgent', 'lazy']);
  });

  it('passes a task failure to its caller only, and goes on', async () => {
    const q = new KeyedQueue();
    const failed = q.run('k', async () => {
      throw new Error('boom');
    });
    const after = q.run('k', async () => 42);
    await expect(failed).rejects.toThrow('boom');
    await expect(after).resolves.toBe(42);
  });
});
