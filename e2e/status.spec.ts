import AxeBuilder from '@axe-core/playwright';
// The plain Playwright test: this file runs its own server, not the worker's demo.
import { expect, test } from '@playwright/test';
import { signIn } from './fixtures';
import { DemoServer } from './support/demo-server';

/**
 * A plain server (no demo, no APNs key, its database in the data dir) with one agent and no staff:
 * what a team sees on the first day.
 */
let plain: DemoServer;
// A password the server's rules accept (12 characters, not common, not holding the name).
const ALICE = { name: 'alice', password: 'quiet harbour lights' };

test.beforeAll(async () => {
  plain = await DemoServer.create({ mode: 'plain' });
  await plain.addAgent(ALICE.name, ALICE.password);
  await plain.start();
});

test.afterAll(async () => {
  await plain?.dispose();
});

test('first day on a server without APNs: the banner, empty states that say what to do, a restart that keeps the session', async ({
  page,
}) => {
  test.setTimeout(90_000);
  await signIn(page, plain, ALICE);
  const banner = page.getByRole('note', { name: 'Push notifications' });
  await expect(banner).toContainText('VoIP pushes are not configured on this server.');
  await expect(banner).toContainText('Phones ring only while their app is open and connected.');
  await expect(page.getByRole('region', { name: 'Roster' })).toContainText(
    'No staff yet. Add a staff member, then pair their phone.',
  );
  await expect(page.getByRole('region', { name: 'Call' })).toContainText('No call.');

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
    await page.screenshot({ path: `test-results/screens/09-first-day-${scheme}.png` });
  }

  await page.getByRole('button', { name: 'Add your first staff member' }).click();
  await page.getByRole('dialog', { name: 'Add a staff member' }).getByLabel('Name').fill('Ivy Newhire');
  await page.getByRole('button', { name: 'Add staff member' }).click();
  await page
    .getByRole('dialog', { name: 'Pair a phone for Ivy Newhire' })
    .getByRole('button', { name: 'Close' })
    .click();
  const roster = page.getByRole('list', { name: 'Staff and phones' });
  await expect(roster).toContainText('Ivy Newhire');
  await expect(roster).toContainText('No phone paired yet');
  await expect(page.getByRole('button', { name: 'Call Ivy Newhire' })).toBeDisabled();

  // This server keeps its sessions in its database: after a restart the console carries on by itself.
  await plain.restart();
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected', {
    timeout: 15_000,
  });
  await expect(page.getByRole('dialog', { name: 'Sign in again' })).toHaveCount(0);
  await expect(roster).toContainText('Ivy Newhire');
});
