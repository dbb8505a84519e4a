import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { REPO_ROOT, staleReason } from './fresh-build';

/** What electron-vite builds the app from, and the file it writes last (the renderer comes after main and preload). */
const DESKTOP_SOURCES = ['desktop', 'server/src', 'shared/src', 'electron.vite.config.ts'];
const DESKTOP_MARKER = path.join('out', 'renderer', '.vite', 'manifest.json');

/**
 * `npm start`: builds the desktop app and opens it, where the Electron binary exists. Where it
 * does not (npm installed `electron` with ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on machines that
 * cannot download it), it says so and points to the web console, which is the same console.
 */
function electronBinary(): string | null {
  try {
    // The package's main is the binary's path; it throws when the binary was never downloaded.
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  process.stderr.write(
    [
      'Switchboard desktop cannot start on this machine: the Electron binary is not installed.',
      '(npm installed the electron package with ELECTRON_SKIP_BINARY_DOWNLOAD=1; this machine cannot download it.)',
      '',
      'Use the same console in a browser instead:',
      '  npm run server -- --demo        # builds the web console if needed; then open http://127.0.0.1:4780/',
      '                                  # and sign in as demo / demo',
      '',
      'Where Electron can be downloaded: node node_modules/electron/install.js, then npm start.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

// As `npm run server` does for the web console: build when out/ is missing or older than what it
// is built from, and say so in one line; an app already built opens at once.
const stale = staleReason(REPO_ROOT, DESKTOP_MARKER, DESKTOP_SOURCES);
if (stale) {
  process.stdout.write(`switchboard: building the desktop app into out/ (${stale})\n`);
  const build = spawnSync('npx', ['electron-vite', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
    cwd: REPO_ROOT,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const app = spawn(binary, [path.join(REPO_ROOT, 'out/main/index.js'), ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
