import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { FIXTURE_KINDS } from '#shared';

const root = path.resolve(import.meta.dirname, '../fixtures');
const kinds = fs
  .readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

const read = (kind: string, file: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(root, kind, file), 'utf8'));

describe('wire fixtures', () => {
  it('every fixture folder has a schema, and every schema has a folder', () => {
    expect(kinds.sort()).toEqual(Object.keys(FIXTURE_KINDS).sort());
  });

  for (const kind of kinds) {
    const files = fs.readdirSync(path.join(root, kind)).filter((f) => f.endsWith('.json'));
    // Own keys only: a folder named like an Object.prototype member has no schema either.
    const schema: z.ZodType | undefined = Object.hasOwn(FIXTURE_KINDS, kind)
      ? FIXTURE_KINDS[kind as keyof typeof FIXTURE_KINDS]
      : undefined;

    it(`${kind}: has valid and invalid examples`, () => {
      expect(files.some((f) => f.startsWith('valid-'))).toBe(true);
      expect(files.some((f) => f.startsWith('invalid-'))).toBe(true);
      expect(files.every((f) => /^(valid|invalid)-[a-z0-9-]+\.json$/.test(f))).toBe(true);
    });

    for (const file of files) {
      const expected = file.startsWith('valid-');
      it(`${kind}/${file} is ${expected ? 'accepted' : 'refused'}`, () => {
        // A folder without a schema fails every one of its files, not only the listing test.
        if (!schema) throw new Error(`no schema in FIXTURE_KINDS for the fixture folder "${kind}"`);
        const result = schema.safeParse(read(kind, file));
        expect(result.success, JSON.stringify(result.error?.issues)).toBe(expected);
      });
    }
  }
});
