import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SERVER_SRC = path.resolve(import.meta.dirname, '../src');
const ROOT = path.resolve(SERVER_SRC, '../..');

/** Every module specifier in a file: static imports and re-exports, `import()`, and `require()`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const m of source.matchAll(pattern)) found.push(m[1]!);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * Imports from server/src that leave it: a relative path outside server/src (tools, benches, test
 * helpers, or shared/ reached by path instead of through `#shared`).
 */
function escapingImports(): string[] {
  const bad: string[] = [];
  for (const file of sourceFiles(SERVER_SRC)) {
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const target = path.resolve(path.dirname(file), spec);
      if (path.relative(SERVER_SRC, target).startsWith('..')) {
        bad.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
  }
  return bad;
}

/** Imports of server/src from outside server/ that pass by its public index.ts. */
function internalImports(): string[] {
  const bad: string[] = [];
  for (const top of ['tools', 'bench', 'scripts', 'test-support', 'desktop', 'e2e']) {
    let files: string[];
    try {
      files = sourceFiles(path.join(ROOT, top)).filter((f) => !f.includes('node_modules'));
    } catch {
      continue; // a folder this checkout does not have
    }
    for (const file of files) {
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        const rel = path.relative(SERVER_SRC, target);
        // main.ts is the program itself, which `npm run server` (scripts/server.ts) runs.
        const isPublic = ['', 'index', 'index.ts', 'main', 'main.ts'].includes(rel);
        if (!rel.startsWith('..') && !isPublic) {
          bad.push(`${path.relative(ROOT, file)} imports ${spec}`);
        }
      }
    }
  }
  return bad;
}

/** Files of server/src/calls that import server/src/cluster, or name it. */
function callCoreNamingTheCluster(): string[] {
  const calls = path.join(SERVER_SRC, 'calls');
  const cluster = path.join(SERVER_SRC, 'cluster');
  const bad: string[] = [];
  for (const file of sourceFiles(calls)) {
    const source = readFileSync(file, 'utf8');
    for (const spec of specifiers(source)) {
      const target = path.resolve(path.dirname(file), spec);
      if (spec.startsWith('.') && !path.relative(cluster, target).startsWith('..')) {
        bad.push(`${path.relative(ROOT, file)} imports ${spec}`);
      }
    }
    if (/\b(durable|crossNode|cluster)\w*\s*[?:(]/i.test(source.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, ''))) {
      bad.push(`${path.relative(ROOT, file)} branches on the cluster`);
    }
  }
  return bad;
}

describe('server boundaries', () => {
  it('the call core never names the cluster: it gets its ports (calls/ports.ts) chosen at start-up', () => {
    expect(sourceFiles(path.join(SERVER_SRC, 'calls')).length).toBeGreaterThan(5);
    expect(callCoreNamingTheCluster()).toEqual([]);
  });

  it('everything outside server/ uses the server through its public index.ts only', () => {
    expect(internalImports()).toEqual([]);
  });

  it('the server never imports a tool, a benchmark or a test: server/src only reaches itself and #shared', () => {
    expect(sourceFiles(SERVER_SRC).length).toBeGreaterThan(10);
    expect(escapingImports()).toEqual([]);
  });

  it('sees every form of import', () => {
    const source = [
      "import { a } from '../../tools/a';",
      "import type { B } from '../../tools/b';",
      "export { c } from '../../tools/c';",
      "import '../../tools/d';",
      "const e = await import('../../tools/e');",
      'import {\n  f,\n  g,\n} from "../../tools/f";',
    ].join('\n');
    expect(specifiers(source).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `../../tools/${x}`));
  });
});
