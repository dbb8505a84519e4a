import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
// The plain Playwright test: this file runs its own server (the demo's database lives in memory,
// where the agents CLI cannot add to it).
import { expect, test } from '@playwright/test';
import { signIn } from './fixtures';
import { DemoServer } from './support/demo-server';

/**
 * Issue 20 item 6, as an agent sees it: their own sessions in the account dialog (their name in
 * the top bar), and "Sign out everywhere else" closing the other console at once.
 */
let server: DemoServer;
const agent = { name: 'alice', password: 'quiet harbour lights' };

test.beforeAll(async () => {
  server = await DemoServer.create({ mode: 'plain' });
  await server.addAgent(agent.name, agent.password);
  await server.start();
});

test.afterAll(async () => {
  await server?.dispose();
});

test('an agent sees where they are signed in and signs out everywhere else', async ({ browser }) => {
  const [here, there] = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const page = await here.newPage();
    const other = await there.newPage();
    await signIn(page, server, agent);
    await signIn(other, server, agent);

    await page.getByRole('button', { name: new RegExp(`^Signed in as ${agent.name}`) }).click();
    const account = page.getByRole('dialog', { name: 'Your account' });
    const sessions = account.getByRole('table', { name: 'Your sessions' });
    await expect(sessions.locator('tbody tr')).toHaveCount(2);
    await expect(sessions.getByRole('rowheader', { name: 'This console' })).toBeVisible();
    await expect(sessions.getByRole('rowheader', { name: 'Another console or browser' })).toBeVisible();
    const shots = path.join(test.info().project.outputDir, 'screens');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const results = await new AxeBuilder({ page })
        .include('dialog')
        .withTags(['wcag2a', 'wcag2aa'])
        .analyze();
      expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      await page.screenshot({ path: path.join(shots, `21-own-sessions-${scheme}.png`) });
    }

    await account.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await expect(account.getByRole('status')).toHaveText('Signed out of 1 other session.');
    await expect(sessions.locator('tbody tr')).toHaveCount(1);
    await expect(account.getByRole('button', { name: 'Sign out everywhere else' })).toBeDisabled();
    // The other console is back at the sign-in form, saying why.
    await expect(other.getByLabel('Agent name')).toBeVisible();
    await expect(other.getByText('You signed out of this console from another one of yours.')).toBeVisible();
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: path.join(shots, '22-own-sessions-after.png') });

    // The password is one step further, as before.
    await account.getByRole('button', { name: 'Change password…' }).click();
    await expect(page.getByRole('dialog', { name: 'Change your password' })).toBeVisible();
  } finally {
    await Promise.all([here.close(), there.close()]);
  }
});
