import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type ElectronApplication, _electron as electron, expect, type Page, test } from '@playwright/test';
import { openStorage } from '../server/src';

/**
 * The built desktop app, launched by Playwright: it opens signed in on its own embedded server,
 * with the window's security settings, the CSP and the preload API as they ship; quitting ends
 * the server cleanly. Where the Electron binary is missing (these machines cannot download it:
 * ../shared/TOOLCHAIN.md) the whole file reports itself skipped, saying why.
 */
function electronBinary(): string | null {
  try {
    const binary = createRequire(import.meta.url)('electron') as unknown;
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

const binary = electronBinary();
const MISSING =
  'the Electron binary is not installed (npm installed electron with ELECTRON_SKIP_BINARY_DOWNLOAD=1; ' +
  'this machine cannot download it). `npm start` says the same and points to the web console.';
const NO_DISPLAY = 'no display to open a window on: run the electron project under xvfb-run';
const headless = process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

test('the desktop app can be launched here', () => {
  // Said in the run's output, not only in the report: the list reporter prints a test's stdout.
  const reason = binary === null ? MISSING : headless ? NO_DISPLAY : null;
  if (reason) console.log(`electron project skipped: ${reason}`);
  test.skip(reason !== null, reason ?? '');
});

test.describe('the desktop app', () => {
  test.skip(binary === null, MISSING);
  test.skip(headless, NO_DISPLAY);

  let userData: string;
  let port: number;
  let app: ElectronApplication;
  let win: Page;

  test.beforeAll(() => {
    execFileSync('npx', ['electron-vite', 'build'], { stdio: 'inherit' });
  });

  test.beforeEach(async () => {
    userData = await mkdtemp(path.join(os.tmpdir(), 'switchboard-electron-'));
    port = await freePort();
    // This computer's server on a free port, loopback only: the test must not take 4780 or the LAN.
    await writeFile(
      path.join(userData, 'settings.json'),
      JSON.stringify({ embedded: { port, phonesOnNetwork: false } }),
    );
    app = await electron.launch({
      executablePath: binary!,
      // Chromium refuses to run as root with its sandbox on (CI containers): only then is it off.
      args: ['out/main/index.js', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
      env: { ...process.env, SWITCHBOARD_USER_DATA: userData },
    });
    win = await app.firstWindow();
  });

  test.afterEach(async () => {
    await app?.close().catch(() => undefined);
    await rm(userData, { recursive: true, force: true });
  });

  test('opens signed in as the local owner, on its own server', async () => {
    await expect(win.getByRole('navigation', { name: 'Screens' })).toBeVisible({ timeout: 30_000 });
    await expect(win.getByRole('heading', { name: 'Sign in' })).toHaveCount(0);
    await win.getByRole('button', { name: 'Settings' }).click();
    const about = win.getByRole('region', { name: 'About this server' });
    await expect(about.getByText('Running')).toBeVisible();
    await expect(about.getByText(`http://127.0.0.1:${port}`)).toBeVisible();
  });

  test('runs the console isolated: no Node, a sandbox, named functions only, and the CSP', async () => {
    // One window (a new one is refused); its preferences are unit-tested (desktop/main/security.test.ts),
    // here what they do: nothing of Node or Electron reaches the page.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    const page = await win.evaluate(async () => ({
      url: location.href,
      node: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      api: Object.values((window as unknown as { api: Record<string, unknown> }).api).map((v) => typeof v),
      csp: (await fetch('app://switchboard/index.html')).headers.get('content-security-policy'),
      popup: window.open('https://example.com') === null,
    }));
    expect(page.url).toBe('app://switchboard/index.html');
    expect(page.node).toBe('undefined');
    expect(page.process).toBe('undefined');
    expect(new Set(page.api)).toEqual(new Set(['function']));
    expect(page.csp).toContain(`connect-src 'self' http://127.0.0.1:${port} ws://127.0.0.1:${port}`);
    expect(page.csp).toContain("script-src 'self'");
    expect(page.popup).toBe(true);
  });

  test('quits cleanly: the server closes its database, the window keeps its place', async () => {
    await expect(win.getByRole('navigation', { name: 'Screens' })).toBeVisible({ timeout: 30_000 });
    await app.close();
    const dbFile = path.join(userData, 'server', 'switchboard.db');
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    const storage = await openStorage(`sqlite:${dbFile}`);
    try {
      expect(await storage.calls.listLive()).toEqual([]);
      expect((await storage.agents.list()).length).toBe(1);
    } finally {
      await storage.close();
    }
    const settings = JSON.parse(await readFile(path.join(userData, 'settings.json'), 'utf8'));
    expect(settings.window).toMatchObject({ width: expect.any(Number), height: expect.any(Number) });
  });
});
