import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
/**
 * The source trees whose modules must import each other without going round in a circle, type
 * imports included: a circle means neither module reads without the other. (The console's store
 * and its zustand slices name each other's types by that library's slices pattern; not here.)
 */
const TREES = ['shared/src', 'server/src', 'tools', 'desktop/main', 'desktop/preload'];

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name) && !/\.(test|spec)\.tsx?$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.includes('node_modules') && !f.includes(`${path.sep}test${path.sep}`));

/** Relative module specifiers of a file: imports and re-exports, type-only ones too. */
function relativeImports(source: string): string[] {
  const specs: string[] = [];
  for (const re of [
    /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"](\.[^'"]*)['"]/g,
    /\bimport\s*\(\s*['"](\.[^'"]*)['"]\s*\)/g,
  ]) {
    for (const m of source.matchAll(re)) specs.push(m[1] as string);
  }
  return specs;
}

function resolve(from: string, spec: string): string | null {
  const base = path.resolve(path.dirname(from), spec);
  const candidates = [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    path.join(base, 'index.ts'),
    path.join(base, 'index.tsx'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** The import graph's strongly connected components of more than one module (Tarjan). */
function cycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const on = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const out: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) !== idx.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1) out.push(component.sort());
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return out;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const tree of TREES) {
    for (const file of sourceFiles(path.join(ROOT, tree))) {
      const targets = relativeImports(readFileSync(file, 'utf8'))
        .map((spec) => resolve(file, spec))
        .filter((t): t is string => t !== null);
      graph.set(file, targets);
    }
  }
  return graph;
}

describe('modules', () => {
  it('import each other without circles (a module and what it needs read one way)', () => {
    const found = cycles(importGraph()).map((c) => c.map((f) => path.relative(ROOT, f)).join(' ↔ '));
    expect(found).toEqual([]);
  });

  it('sees a circle, a longer one, and none in a line', () => {
    const g = (edges: [string, string][]) => {
      const m = new Map<string, string[]>();
      for (const [a, b] of edges) m.set(a, [...(m.get(a) ?? []), b]);
      return m;
    };
    expect(
      cycles(
        g([
          ['a', 'b'],
          ['b', 'a'],
        ]),
      ),
    ).toEqual([['a', 'b']]);
    expect(
      cycles(
        g([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
          ['c', 'd'],
        ]),
      ),
    ).toEqual([['a', 'b', 'c']]);
    expect(
      cycles(
        g([
          ['a', 'b'],
          ['b', 'c'],
        ]),
      ),
    ).toEqual([]);
  });
});
