import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * `npm run package:<linux|mac|win>`: the desktop app's installers with electron-builder (config:
 * electron-builder.yml, output: dist/desktop). electron-builder rebuilds better-sqlite3 in
 * node_modules for Electron's ABI while packaging; afterwards it is rebuilt for Node again, so the
 * tests and `npm run server` keep working, even when packaging fails.
 */
const targets: Record<string, string> = { linux: '--linux', mac: '--mac', win: '--win' };
const platform = process.argv[2] ?? '';
const flag = targets[platform];
if (!flag) {
  process.stderr.write('usage: tsx scripts/desktop-package.ts linux|mac|win\n');
  process.exit(2);
}
if (!existsSync('node_modules/electron-builder')) {
  process.stderr.write(
    'electron-builder is not installed: npm install --save-dev electron-builder@26, then run this again.\n',
  );
  process.exit(1);
}

const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

let status = run('npx', ['electron-vite', 'build']);
if (status === 0) status = run('npx', ['electron-builder', flag, '--publish', 'never']);
// Back to Node's ABI whatever happened: a half-done packaging must not break `npm test`.
const restored = run('npm', ['rebuild', 'better-sqlite3']);
process.exit(status !== 0 ? status : restored);
