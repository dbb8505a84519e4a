import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { staleReason } from '../fresh-build';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** A file with a chosen modification time (seconds), in a tree under `root`. */
function file(rel: string, mtime: number): void {
  const at = path.join(root, rel);
  mkdirSync(path.dirname(at), { recursive: true });
  writeFileSync(at, rel);
  utimesSync(at, mtime, mtime);
}

it('asks for a build when there is none, or a source changed after it, and names the source', () => {
  root = mkdtempSync(path.join(tmpdir(), 'switchboard-fresh-'));
  const sources = ['src', 'config.ts'];
  file('src/app/App.tsx', 1_000);
  file('config.ts', 1_000);
  expect(staleReason(root, 'dist/web/manifest.json', sources)).toBe('no build yet');
  file('dist/web/manifest.json', 2_000);
  expect(staleReason(root, 'dist/web/manifest.json', sources)).toBeNull();
  file('src/app/App.tsx', 3_000);
  expect(staleReason(root, 'dist/web/manifest.json', sources)).toBe(
    `${path.join('src', 'app', 'App.tsx')} changed since the last build`,
  );
  // Editor droppings and installs do not count.
  file('dist/web/manifest.json', 4_000);
  file('src/.App.tsx.swp', 5_000);
  file('src/node_modules/x/index.js', 5_000);
  expect(staleReason(root, 'dist/web/manifest.json', sources)).toBeNull();
});
