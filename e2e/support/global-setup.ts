import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The server serves the console from dist/web; build it once before any worker starts a server,
 * unless SWITCHBOARD_E2E_NO_BUILD says the build in place is current (iterating on tests only).
 */
export default function globalSetup(): void {
  if (process.env.SWITCHBOARD_E2E_NO_BUILD && existsSync('dist/web/index.html')) return;
  execFileSync('npm', ['run', 'build:web'], { stdio: 'inherit' });
}
