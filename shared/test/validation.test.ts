import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeZodError } from '#shared';

const schema = z.object({ call: z.object({ id: z.string().uuid() }), n: z.number().int() });
const errorOf = (value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to be refused');
  return result.error;
};

describe('describeZodError', () => {
  it('names the path of the first issue and its message', () => {
    expect(describeZodError(errorOf({ call: { id: 'x' }, n: 1.5 }))).toBe('call.id: Invalid UUID');
  });

  it('puts the prefix first, and gives a root issue without a path', () => {
    expect(describeZodError(errorOf('nope'), 'call:place')).toMatch(
      /^call:place: Invalid input: expected object/,
    );
    expect(describeZodError(errorOf(null))).not.toMatch(/^: /);
  });

  it('writes array indexes and symbol keys in the path, and something for an error without issues', () => {
    const list = z.array(z.number()).safeParse([1, 'two']);
    expect(list.success ? '' : describeZodError(list.error)).toMatch(/^1: /);
    const key = Symbol('k');
    expect(describeZodError({ issues: [{ path: [key, 0], message: 'bad' }] })).toBe('Symbol(k).0: bad');
    expect(describeZodError({ issues: [] }, 'body')).toBe('body: invalid value');
  });
});

describe('zod errors are described in one place', () => {
  it('no source file but validation.ts reads zod issues itself', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const dirs = ['shared/src', 'server/src', 'tools', 'bench', 'scripts', 'desktop'];
    const offenders = dirs
      .flatMap((dir) => sourceFiles(path.join(root, dir)))
      .filter((file) => !file.endsWith(path.join('shared', 'src', 'validation.ts')))
      .filter((file) => /\.issues\s*\[\s*0\s*\]/.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(root, file));
    expect(offenders).toEqual([]);
  });
});

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !e.parentPath.includes('node_modules'))
    .filter((e) => !/[/\\]test[/\\]?/.test(`${e.parentPath}/`))
    .map((e) => path.join(e.parentPath, e.name));
}
