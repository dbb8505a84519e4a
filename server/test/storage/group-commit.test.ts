import { describe, expect, it } from 'vitest';
import { groupCommit } from '../../src/storage/group-commit';

describe('group commit', () => {
  it('rejects exactly the callers of a failed write with its error, and writes those that came after', async () => {
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
    expect(await Promise.all([first, ...failed, later])).toEqual(['stored', 'refused', 'refused', 'stored']);
    expect(writes).toEqual([['a'], ['b', 'bad'], ['c']]);
  });
});
