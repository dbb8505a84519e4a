import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { type Credentials, expect, test } from './fixtures';

/** Names unique to this run: the worker's demo server keeps its agents from test to test. */
const unique = (base: string) =>
  `${base} ${test.info().workerIndex}${Math.random().toString(36).slice(2, 6)}`;

async function openTeam(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Team' }).click();
  await expect(page.getByRole('region', { name: 'Team', exact: true })).toBeVisible();
}

/** Adds an agent through the Team screen and reads the one-time password the dialog shows once. */
async function addAgent(page: Page, name: string): Promise<Credentials> {
  const team = page.getByRole('region', { name: 'Team', exact: true });
  await team.getByRole('button', { name: 'Add agent' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add an agent' });
  await dialog.getByLabel('Name they sign in with').fill(name);
  await dialog.getByRole('button', { name: 'Add agent' }).click();
  const shown = page.getByRole('dialog', { name: `${name} can sign in` });
  const password =
    (await shown.getByRole('status', { name: `One-time password for ${name}` }).textContent()) ?? '';
  expect(password).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await shown.getByRole('button', { name: 'Done' }).click();
  return { name, password };
}

/** A second browser with its own session storage: another person at another desk. */
async function otherDesk(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

async function auditRows(page: Page): Promise<string[]> {
  await page.getByRole('tab', { name: 'Audit trail' }).click();
  const table = page.getByRole('table', { name: 'Audit trail, newest first' });
  await expect(table).toBeVisible();
  return table.locator('tbody tr').allInnerTexts();
}

test('an admin adds an agent, who signs in as an agent and sees only what an agent may use', async ({
  browser,
  page,
  signIn,
}) => {
  await signIn(page);
  await openTeam(page);
  const dana = await addAgent(page, unique('Dana'));
  const row = page.getByRole('row', { name: new RegExp(`^${dana.name}`) });
  await expect(row).toContainText('Agent');
  await expect(row).toContainText('Offline');

  const desk = await otherDesk(browser);
  try {
    await signIn(desk.page, dana);
    const nav = desk.page.getByRole('navigation', { name: 'Screens' });
    await expect(nav.getByRole('button')).toHaveText([
      'Roster',
      'History',
      'Health',
      /^Callbacks/,
      'Settings',
    ]);
    await expect(desk.page.getByRole('button', { name: 'Add staff' })).toHaveCount(0);
    await expect(desk.page.getByRole('button', { name: /^Pair a phone for/ })).toHaveCount(0);
    await expect(desk.page.getByRole('button', { name: /^Call Ana Answers/ })).toBeVisible();
    await expect(desk.page.getByRole('note', { name: 'Your password' })).toContainText(
      'An admin set your password.',
    );
    await desk.page.screenshot({
      path: path.join(test.info().project.outputDir, 'screens', '16-agent-first-sign-in.png'),
    });

    // Their own password, from the banner: the rules are the server's, in its words.
    await desk.page.getByRole('button', { name: 'Choose a password' }).click();
    const change = desk.page.getByRole('dialog', { name: 'Change your password' });
    await change.getByLabel('Current password').fill(dana.password);
    await change.getByLabel('New password', { exact: true }).fill('Password2024!');
    await change.getByLabel('New password again').fill('Password2024!');
    await change.getByRole('button', { name: 'Change password' }).click();
    await expect(change.getByRole('alert')).toContainText('one of the most common passwords');
    await change.getByLabel('New password', { exact: true }).fill('velvet otter quarry');
    await change.getByLabel('New password again').fill('velvet otter quarry');
    await change.getByRole('button', { name: 'Change password' }).click();
    await desk.page
      .getByRole('dialog', { name: 'Password changed' })
      .getByRole('button', { name: 'Done' })
      .click();
    await expect(desk.page.getByRole('note', { name: 'Your password' })).toHaveCount(0);

    // Back on the Agents tab the list is fetched again.
    await page.getByRole('tab', { name: 'Audit trail' }).click();
    await page.getByRole('tab', { name: 'Agents' }).click();
    await expect(row).toContainText('Online');
    const rows = await auditRows(page);
    expect(rows[0]).toContain(`${dana.name}\tchanged their own password`);
    expect(rows[1]).toContain(`demo\tadded agent ${dana.name}\tas agent`);
  } finally {
    await desk.context.close();
  }
});

test("a removed agent's open console is signed out at once, saying why", async ({
  browser,
  page,
  signIn,
}) => {
  await signIn(page);
  await openTeam(page);
  const eli = await addAgent(page, unique('Eli'));
  const desk = await otherDesk(browser);
  try {
    await signIn(desk.page, eli);
    await page.getByRole('button', { name: `Remove: ${eli.name}` }).click();
    const confirm = page.getByRole('dialog', { name: `Remove ${eli.name}?` });
    await confirm.getByRole('button', { name: `Remove ${eli.name}` }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole('row', { name: new RegExp(`^${eli.name}`) })).toHaveCount(0);

    await expect(desk.page.getByRole('button', { name: 'Sign in' })).toBeVisible();
    await expect(desk.page.getByText('demo removed your agent from the team.')).toBeVisible();
    await desk.page.getByLabel('Agent name').fill(eli.name);
    await desk.page.getByLabel('Password').fill(eli.password);
    await desk.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(desk.page.getByRole('alert')).toHaveText(
      'That name and password do not match an agent on this server.',
    );

    const rows = await auditRows(page);
    expect(rows[0]).toContain(`demo\tremoved agent ${eli.name}\twas agent`);
    expect(rows[1]).toContain(`demo\tadded agent ${eli.name}`);
  } finally {
    await desk.context.close();
  }
});

test('an open Team screen follows what another admin and the agents do, without a click', async ({
  browser,
  page,
  signIn,
}) => {
  await signIn(page);
  await openTeam(page);
  const other = await otherDesk(browser);
  const desk = await otherDesk(browser);
  try {
    await signIn(other.page);
    await openTeam(other.page);
    const fay = await addAgent(other.page, unique('Fay'));
    const row = page.getByRole('row', { name: new RegExp(`^${fay.name}`) });
    await expect(row).toContainText('Offline');

    await signIn(desk.page, fay);
    await expect(row).toContainText('Online');
    await desk.context.close();
    await expect(row).toContainText('Offline');
  } finally {
    await other.context.close();
    await desk.context.close();
  }
});

test('an admin unpairs a phone after confirming, and it leaves the roster', async ({
  page,
  server,
  signIn,
}) => {
  await signIn(page);
  const { inProcessPhone } = await import('./support/phones');
  // One word: the phone is named after the staff member's first word.
  const staff = unique('Ivo').replace(' ', '');
  const phone = await inProcessPhone(server, staff);
  try {
    // The worker's roster is longer than the screen and its rows are virtual: find it first.
    await page.getByRole('searchbox').fill(staff);
    const device = page.getByRole('button', { name: `Unpair ${staff}'s test iPhone` });
    await device.click();
    const confirm = page.getByRole('dialog', { name: `Unpair ${staff}'s test iPhone?` });
    await expect(confirm).toContainText(`${staff}'s phone stops ringing at once`);
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await device.click();
    await confirm.getByRole('button', { name: 'Unpair' }).click();
    await expect(device).toHaveCount(0);
    await openTeam(page);
    const rows = await auditRows(page);
    expect(rows[0]).toContain(`demo\tunpaired the phone ${staff}'s test iPhone\tof ${staff}`);
  } finally {
    await phone.close();
  }
});

for (const scheme of ['light', 'dark'] as const) {
  test(`the Team screen is accessible and photographed (${scheme})`, async ({ page, signIn }) => {
    await signIn(page);
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await openTeam(page);
    const shots = path.join(test.info().project.outputDir, 'screens');
    const check = async (name: string) => {
      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(
        bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
        name,
      ).toEqual([]);
      await page.screenshot({ path: path.join(shots, `${name}-${scheme}.png`) });
    };
    await addAgent(page, unique('Fay'));
    await check('10-team');
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page
      .getByRole('dialog', { name: 'Add an agent' })
      .getByLabel('Name they sign in with')
      .fill(unique('Gus'));
    await page
      .getByRole('dialog', { name: 'Add an agent' })
      .getByRole('button', { name: 'Add agent' })
      .click();
    await expect(page.getByRole('dialog', { name: /can sign in$/ })).toBeVisible();
    await check('11-team-password');
    await page.getByRole('button', { name: 'Done' }).click();
    await auditRows(page);
    await check('12-audit');
    await page.getByRole('button', { name: /^Signed in as demo/ }).click();
    await page
      .getByRole('dialog', { name: 'Your account' })
      .getByRole('button', { name: 'Change password…' })
      .click();
    await expect(page.getByRole('dialog', { name: 'Change your password' })).toBeVisible();
    await check('13-change-password');
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Roster' }).click();
    await expect(page.getByRole('button', { name: /^Unpair / }).first()).toBeVisible();
    await check('14-roster-admin');
  });

  test(`an agent's roster is accessible and photographed (${scheme})`, async ({ browser, signIn }) => {
    const desk = await otherDesk(browser);
    try {
      await signIn(desk.page, { name: 'demo2', password: 'demo2' });
      await desk.page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await expect(desk.page.getByRole('button', { name: /^Call Ana Answers/ })).toBeVisible();
      await expect(desk.page.getByRole('button', { name: /^Unpair / })).toHaveCount(0);
      const results = await new AxeBuilder({ page: desk.page }).withTags(['wcag2a', 'wcag2aa']).analyze();
      expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
      const shots = path.join(test.info().project.outputDir, 'screens');
      await desk.page.screenshot({ path: path.join(shots, `15-roster-agent-${scheme}.png`) });
    } finally {
      await desk.context.close();
    }
  });
}
