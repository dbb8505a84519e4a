import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Clients: the console, the desktop app, the tools, the benches and scripts, shared's own code. */
const SCANNED = ['shared/src', 'desktop', 'tools', 'bench', 'scripts'];
/** The one place a client fetches an `/api/` route, typed by the contract. */
const ALLOWED = new Set(['shared/src/http-client.ts']);
/** A fetch whose URL names an `/api/` path. */
const RAW_API_FETCH = /\bfetch\s*\([^)]*\/api\//s;

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.(ts|tsx)$/.test(entry.name)) yield full;
  }
}

describe('every client calls the HTTP API through the typed httpRequest()', () => {
  it('finds no raw fetch of an /api/ route outside shared/src/http-client.ts', () => {
    const offenders: string[] = [];
    for (const top of SCANNED) {
      for (const file of sources(path.join(ROOT, top))) {
        const rel = path.relative(ROOT, file);
        // Tests may send what no client would (a body of the wrong shape, no content type).
        if (ALLOWED.has(rel) || /\.(test|spec)\.tsx?$/.test(rel)) continue;
        if (RAW_API_FETCH.test(readFileSync(file, 'utf8'))) offenders.push(rel);
      }
    }
    expect(offenders).toEqual([]);
  });
});
