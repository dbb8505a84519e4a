import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
// The plain Playwright test: this file works on a clone of its own, not the worker's demo.
import { expect, type Page, test } from '@playwright/test';

/**
 * Issue 20, "The first run": a newcomer follows the README on a fresh copy of the repository
 * (`npm run setup`, then `npm run server -- --demo`, then the printed URL) and must land on the
 * sign-in form, not on a page asking them to build the console. The copy is a clone of this
 * commit with no dist/; node_modules links to this checkout's install (setup sees the link and
 * does not reinstall), so the run takes seconds, not minutes.
 */
const REPO = path.resolve(import.meta.dirname, '..');
let clone: string;
let server: ChildProcess | null = null;

test.beforeAll(() => {
  clone = path.join(mkdtempSync(path.join(tmpdir(), 'switchboard-first-run-')), 'switchboard');
  execFileSync('git', ['clone', '--quiet', '--no-checkout', REPO, clone]);
  execFileSync('git', [
    '-C',
    clone,
    'checkout',
    '--quiet',
    execFileSync('git', ['-C', REPO, 'rev-parse', 'HEAD']).toString().trim(),
  ]);
  symlinkSync(realpathSync(path.join(REPO, 'node_modules')), path.join(clone, 'node_modules'));
});

test.afterAll(async () => {
  await stop();
  rmSync(path.dirname(clone), { recursive: true, force: true });
});

test.describe.configure({ mode: 'serial' });

test("the README's first run: setup, the demo server, and the sign-in form at the printed URL", async ({
  page,
}) => {
  test.setTimeout(240_000);
  expect(existsSync(path.join(clone, 'dist'))).toBe(false);
  const setup = run('npm', ['run', 'setup']);
  expect(setup).toContain('building the web console');
  expect(existsSync(path.join(clone, 'dist', 'web', 'index.html'))).toBe(true);

  const { url, output } = await startDemo();
  expect(output).not.toContain('building the web console');
  await expectSignInForm(page, url);
});

test('npm run server builds a missing web console first, saying so in one line', async ({ page }) => {
  test.setTimeout(240_000);
  await stop();
  rmSync(path.join(clone, 'dist'), { recursive: true, force: true });
  const { url, output } = await startDemo();
  expect(output).toMatch(
    /^switchboard: building the web console into dist\/web \(no build yet\)… built in [\d.]+ s$/m,
  );
  await expectSignInForm(page, url);
});

async function expectSignInForm(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.getByLabel('Agent name')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
}

function run(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: clone, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `npm run server -- --demo` in the clone, on a free port; resolves with the URL it prints. */
async function startDemo(): Promise<{ url: string; output: string }> {
  const port = await freePort();
  const child = spawn(
    'npm',
    ['run', 'server', '--', '--demo', '--port', String(port), '--log-level', 'warn'],
    {
      cwd: clone,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server = child;
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo did not start:\n${output}`)), 120_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      const ready = /Switchboard demo running at (http\S+)/.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve({ url: `${ready[1]}/`, output });
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo exited (${code}):\n${output}`));
    });
  });
}

async function stop(): Promise<void> {
  const child = server;
  server = null;
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
    });
  });
}
