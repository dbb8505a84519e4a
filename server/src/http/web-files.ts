import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Where Vite writes the list of what it built (`build.manifest: true` in both renderer configs). */
export const WEB_MANIFEST = path.join('.vite', 'manifest.json');

interface ManifestChunk {
  file?: string;
  src?: string;
  isEntry?: boolean;
  css?: string[];
  assets?: string[];
}

/**
 * The files of the console's build, from its Vite manifest: the only files the server serves
 * (issue 20 item 4: a `.env` left in the web root was served). Dotfiles, backups, editor files and
 * anything copied in by hand are not in it. Source maps of listed scripts and styles are: the build
 * makes them on purpose. Read again when the manifest changes, so a build made while the server
 * runs is served without a restart.
 */
export function webFiles(root: string) {
  let seen: { mtimeMs: number; files: ReadonlySet<string> } | null = null;
  const current = (): ReadonlySet<string> | null => {
    const manifest = path.join(root, WEB_MANIFEST);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(manifest).mtimeMs;
    } catch {
      seen = null;
      return null;
    }
    if (seen?.mtimeMs !== mtimeMs) seen = { mtimeMs, files: filesOf(readFileSync(manifest, 'utf8')) };
    return seen.files;
  };
  return {
    /** True once a build with its manifest is in place. */
    built: () => current()?.has('index.html') ?? false,
    /** May this URL path (`/`, `/assets/x.js`) be answered from the folder? */
    allows(urlPath: string): boolean {
      const files = current();
      if (!files) return false;
      const file = urlPath.replace(/^\/+/, '');
      return file === '' ? files.has('index.html') : files.has(file);
    },
  };
}

export type WebFiles = ReturnType<typeof webFiles>;

function filesOf(text: string): ReadonlySet<string> {
  const files = new Set<string>();
  let chunks: Record<string, ManifestChunk>;
  try {
    chunks = JSON.parse(text) as Record<string, ManifestChunk>;
  } catch {
    return files;
  }
  for (const chunk of Object.values(chunks)) {
    // An HTML entry is written under its own name, beside the script Vite made of it.
    if (chunk.isEntry && chunk.src?.endsWith('.html')) files.add(chunk.src);
    for (const file of [chunk.file, ...(chunk.css ?? [])]) {
      if (!file) continue;
      files.add(file);
      files.add(`${file}.map`);
    }
    for (const asset of chunk.assets ?? []) files.add(asset);
  }
  return files;
}
