import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SERVER_TESTS = path.join(ROOT, 'server', 'test');

/** Every relative module specifier in a file: imports, re-exports and `import()`. */
const RELATIVE = /\b(?:from|import)\s*\(?\s*['"](\.[^'"]*)['"]/g;

/** The test folders of the tools, and what they import from server/test (which they must not). */
function toolTestImportsOfServerTests(): string[] {
  const bad: string[] = [];
  const tools = readdirSync(path.join(ROOT, 'tools'), { withFileTypes: true }).filter((e) => e.isDirectory());
  for (const tool of tools) {
    const dir = path.join(ROOT, 'tools', tool.name, 'test');
    let entries: string[];
    try {
      entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
    } catch {
      continue; // a tool without tests
    }
    for (const name of entries.filter((n) => /\.tsx?$/.test(n))) {
      const file = path.join(dir, name);
      for (const m of readFileSync(file, 'utf8').matchAll(RELATIVE)) {
        const target = path.resolve(path.dirname(file), m[1]!);
        if (!path.relative(SERVER_TESTS, target).startsWith('..')) {
          bad.push(`${path.relative(ROOT, file)} imports ${m[1]}`);
        }
      }
    }
  }
  return bad;
}

describe('test boundaries', () => {
  it("tools' tests take their helpers from test-support/ or their own, never from server/test", () => {
    expect(toolTestImportsOfServerTests()).toEqual([]);
  });
});
