import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

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
      '  npm run build:web',
      '  npm run server -- --demo        # then open http://127.0.0.1:4780/ and sign in as demo / demo',
      '',
      'Where Electron can be downloaded: node node_modules/electron/install.js, then npm start.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const build = spawnSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const app = spawn(binary, ['out/main/index.js', ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.kill(signal));
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
