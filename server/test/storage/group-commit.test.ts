import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/storage/group-commit';

describe('group commit', () => {
  it('writes a failed batch again item by item: only the item the database refuses fails, and those after it are written', async () => {
    const writes: string[][] = [];
    const write = groupCommit(async (items: string[]) => {
      writes.push(items);
      if (items.includes('bad')) throw new Error('refused');
    }, 10);
    const outcome = (p: Promise<void>) =>
      p.then(
        () => 'stored',
        (e: Error) => e.message,
      );
    const first = outcome(write('a'));
    const failed = [outcome(write('b')), outcome(write('bad'))];
    // Comes once the failed batch's callers heard of it: the committer must not be left stuck.
    const later = failed[0]!.then(() => outcome(write('c')));
    // 'b' is another call's change: a row the database refuses must not fail it (nor its ack).
    expect(await Promise.all([first, ...failed, later])).toEqual(['stored', 'stored', 'refused', 'stored']);
    expect(writes).toEqual([['a'], ['b', 'bad'], ['b'], ['bad'], ['c']]);
  });
});
