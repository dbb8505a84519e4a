import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';

/**
 * Every main screen, light and dark: an axe scan with no serious or critical violation, and a
 * screenshot under test-results/screens/ for a person to look at. One walk through the screens
 * photographs each in both schemes (the scheme is a media query: switching it is instant, and a
 * second walk would only wait for the same calls again).
 */
const SCHEMES = ['light', 'dark'] as const;

async function check(page: Page, name: string): Promise<void> {
  for (const scheme of SCHEMES) await checkIn(page, name, scheme);
}

async function checkIn(page: Page, name: string, scheme: (typeof SCHEMES)[number]): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`,
  );
  expect(summary, `${name} (${scheme})`).toEqual([]);
  await page.screenshot({ path: `test-results/screens/${name}-${scheme}.png` });
}

test('main screens are accessible and photographed, light and dark', async ({ page, server, signIn }) => {
  // 26 axe scans and screenshots and two calls: over 2 min on a loaded machine.
  test.setTimeout(180_000);
  await page.goto(`${server.consoleUrl}/`);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await check(page, '01-sign-in');

  await signIn(page);
  await check(page, '02-roster');

  await page.getByRole('button', { name: 'Call Ana Answers' }).click();
  const panel = page.getByRole('article', { name: 'Call with Ana Answers' });
  await expect(panel.getByTestId('call-state')).toHaveText('Connected');
  await check(page, '03-call-connected');
  await expect(panel.getByTestId('call-end-reason')).toBeVisible({ timeout: 15_000 });
  await check(page, '04-call-ended');

  await page.getByRole('button', { name: 'Pair a phone for Ben Declines' }).click();
  const pair = page.getByRole('dialog', { name: 'Pair a phone for Ben Declines' });
  await expect(pair.getByRole('img', { name: 'QR code for pairing' })).toBeVisible();
  await check(page, '05-pair-dialog');
  await pair.getByRole('button', { name: 'Close' }).click();

  const caller = await inProcessPhone(server, 'Gus Screens');
  try {
    const call = await caller.phone.placeCall();
    await expect(page.getByRole('button', { name: 'Accept' })).toBeVisible();
    await check(page, '06-incoming-call');
    await caller.phone.hangup(call.id);
  } finally {
    await caller.close();
  }

  for (const [i, screen] of ['History', 'Directory'].entries()) {
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();
    await expect(page.getByRole('button', { name: screen })).toHaveAttribute('aria-current', 'page');
    await page.waitForLoadState('networkidle');
    await check(page, `0${7 + i}-${screen.toLowerCase()}`);
  }

  // The Team screen and the dialogs every screen builds from the same kit: a form with a field
  // error, and a confirmation.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Team' }).click();
  const team = page.getByRole('region', { name: 'Team', exact: true });
  await expect(team.getByRole('row', { name: /^demo \(you\)/ })).toBeVisible();
  await check(page, '09-team');
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  await expect(page.getByRole('table', { name: 'Audit trail, newest first' })).toBeVisible();
  await check(page, '10-audit');
  await team.getByRole('tab', { name: 'Agents' }).click();
  await team.getByRole('button', { name: 'Add agent' }).click();
  await check(page, '11-add-agent-dialog');
  await page.getByRole('dialog', { name: 'Add an agent' }).getByRole('button', { name: 'Cancel' }).click();

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Roster' }).click();
  await page.getByRole('button', { name: 'Rename Ben Declines' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename Ben Declines' });
  await rename.getByLabel('Phone number (optional)').fill('555 12');
  await expect(rename.getByText('Use the international format', { exact: false })).toBeVisible();
  await check(page, '12-form-error');
  await rename.getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('button', { name: 'Remove Ben Declines' }).click();
  const remove = page.getByRole('dialog', { name: 'Remove Ben Declines?' });
  await expect(remove).toBeVisible();
  await check(page, '13-confirm');
  await remove.getByRole('button', { name: 'Keep' }).click();
});
