import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = path.dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** Every relative import of the renderer, as `from` and `to` paths relative to src/, without extension. */
function imports(): { from: string; to: string }[] {
  return sources(SRC).flatMap((file) => {
    const from = path.relative(SRC, file);
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s+'(\.[^']+)'/g)];
    return specifiers.map((m) => ({
      from,
      to: path.relative(SRC, path.resolve(path.dirname(file), m[1]!)).replace(/\.(tsx?|css)$/, ''),
    }));
  });
}

const featureOf = (p: string) => /^features\/([^/]+)/.exec(p)?.[1] ?? null;

describe('the renderer’s shape (issue 22 item 8)', () => {
  it('features use each other only through their index', () => {
    const reachingIn = imports().filter(({ from, to }) => {
      const target = featureOf(to);
      if (target === null || featureOf(from) === target) return false;
      if (to === `features/${target}` || to === `features/${target}/index`) return false;
      // The store is made of the features' slices: it alone takes them from their files.
      return !(from === 'store/store.ts' && to === `features/${target}/slice`);
    });
    expect(reachingIn.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it('the shared layers (api, lib, store, ui) use no feature but the slices the store is made of', () => {
    const upward = imports().filter(
      ({ from, to }) =>
        /^(api|lib|store|ui)\//.test(from) &&
        featureOf(to) !== null &&
        !(from === 'store/store.ts' && to.endsWith('/slice')),
    );
    expect(upward.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });
});
