import { test as base, expect, type Page } from '@playwright/test';
import { DemoServer } from './support/demo-server';

export type { DemoServer };
export { expect };

export interface Credentials {
  name: string;
  password: string;
}

export const DEMO: Credentials = { name: 'demo', password: 'demo' };

/**
 * Signs in through the console's own form and waits until the roster has arrived over the socket,
 * so a test starts from what an agent sees, not from a half-loaded page.
 */
export async function signIn(page: Page, server: DemoServer, creds: Credentials = DEMO): Promise<void> {
  await page.goto(`${server.consoleUrl}/`);
  await page.getByLabel('Agent name').fill(creds.name);
  await page.getByLabel('Password').fill(creds.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await consoleReady(page);
}

/**
 * The console's socket is connected and the server has counted it: the agent's own availability
 * arrives only after that, so a call placed from now on finds the agent online. (The Roster region
 * shows before its data: a phone calling at that moment found "no agent online" on a loaded CI.)
 */
export async function consoleReady(page: Page): Promise<void> {
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected');
  await expect(page.getByRole('region', { name: 'Roster' })).toBeVisible();
  await expect(page.getByTestId('my-availability')).toBeVisible();
}

interface WorkerFixtures {
  /** One demo server per worker (state carries over between its tests: use unique names). */
  server: DemoServer;
}

interface TestFixtures {
  ensureServer: undefined;
  /** `await signIn(page)` or `await signIn(page, {name, password})`. */
  signIn: (page: Page, creds?: Credentials) => Promise<void>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      // 5 s: Ana answers after 1.5 s, Ben declines after 1.5 s, and a "missed" call ends soon. No
      // after-call work: one test's call must not keep the demo agent from being rung in the next
      // (availability.spec has its own server with it).
      const server = await DemoServer.start({ ringTimeout: '5s', extraArgs: ['--after-call-work', '0s'] });
      await use(server);
      await server.dispose();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
  /** A test that stopped the server and failed before restarting it leaves the next test one. */
  ensureServer: [
    async ({ server }, use) => {
      if (!server.running) await server.start();
      await use(undefined);
    },
    { auto: true },
  ],
  /**
   * Every page a test opens fails the test on an uncaught error or a refused resource (the server's
   * CSP is strict: an inline style or script in the bundle would show up here first).
   */
  page: async ({ page }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text()))
        problems.push(m.text());
    });
    await use(page);
    expect(problems, 'errors in the page').toEqual([]);
  },
  signIn: async ({ server }, use) => {
    await use((page, creds) => signIn(page, server, creds));
  },
});
