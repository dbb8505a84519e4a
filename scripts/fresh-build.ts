import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository this script is in (scripts/..), whatever the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Why a build must be made again, in words, or null when it is current: its marker file is missing,
 * or one of the sources (files under `sources`, folders walked) changed after it was written.
 * Paths are relative to `root`, and so is the file the answer names.
 */
export function staleReason(root: string, marker: string, sources: readonly string[]): string | null {
  let builtAt: number;
  try {
    builtAt = statSync(path.join(root, marker)).mtimeMs;
  } catch {
    return 'no build yet';
  }
  const newer = newestFile(root, sources);
  if (newer && newer.mtimeMs > builtAt)
    return `${path.relative(root, newer.file)} changed since the last build`;
  return null;
}

function newestFile(root: string, sources: readonly string[]): { file: string; mtimeMs: number } | null {
  let newest: { file: string; mtimeMs: number } | null = null;
  const visit = (file: string) => {
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(file);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(file))
        if (name !== 'node_modules' && !name.startsWith('.')) visit(path.join(file, name));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { file, mtimeMs: stat.mtimeMs };
    }
  };
  for (const source of sources) visit(path.join(root, source));
  return newest;
}

/** What the web console is built from, and the file its build writes last (the server needs it). */
export const WEB_SOURCES = ['desktop/renderer', 'shared/src', 'vite.web.config.ts'] as const;
export const WEB_MARKER = path.join('dist', 'web', '.vite', 'manifest.json');

/**
 * `npm run server` serves the web console from dist/web: build it first when it is missing or
 * older than its sources, saying so in one line, so a newcomer's first page is the console and
 * not a page asking them to build it. Vite's own output stays quiet; its errors still show.
 */
export async function ensureWebConsole(write: (text: string) => void = (t) => process.stdout.write(t)) {
  const reason = staleReason(REPO_ROOT, WEB_MARKER, WEB_SOURCES);
  if (reason === null) return;
  const started = Date.now();
  write(`switchboard: building the web console into dist/web (${reason})… `);
  const { build } = await import('vite');
  await build({ configFile: path.join(REPO_ROOT, 'vite.web.config.ts'), logLevel: 'error' });
  write(`built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
