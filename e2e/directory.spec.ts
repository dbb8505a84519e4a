import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { ask, firstRoster, openAgentSocket } from '../tools/virtual-companion/src/agent-socket';
import { type DemoServer, expect, test } from './fixtures';

/**
 * The caller-ID directory against a real demo server: validation as the agent types, a CSV import
 * with bad lines, a save (`PUT /api/directory`), what another console reads back afterwards, and a
 * save refused because another console saved first.
 * Tests here share the worker's server, so each one starts by replacing the directory itself.
 */

async function openDirectory(page: Page) {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Directory' }).click();
  const screen = page.getByRole('region', { name: 'Directory' });
  await expect(screen).toBeVisible();
  return screen;
}

/** A session of a second console, signed in as the demo agent. */
async function secondConsoleToken(server: DemoServer): Promise<string> {
  const login = await fetch(`${server.url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'demo', password: 'demo' }),
  });
  return ((await login.json()) as { token: string }).token;
}

/** What a second console reads with `directory:get`: the server's copy, not the page's. */
async function serverDirectory(server: DemoServer) {
  const socket = openAgentSocket(server.url, await secondConsoleToken(server));
  try {
    await firstRoster(socket);
    return await ask(socket, 'directory:get', {});
  } finally {
    socket.close();
  }
}

const CSV = [
  'Number,Label,Blocked',
  '+15557654321,"Night shift, west",yes',
  '',
  '+0123,Bad country code,no',
  '"+1 555 010 7788",Reception desk,no',
  '+1555abc,Letters,no',
  '+15559990000,Spam caller,maybe',
  '+15553332222,,1',
].join('\r\n');

test('directory: validation as you type, CSV import with bad lines, save, and a reload shows it', async ({
  page,
  server,
  signIn,
}) => {
  await signIn(page);
  const screen = await openDirectory(page);
  await expect(screen.getByText(/Never saved|Version \d+/)).toBeVisible();
  // Start from an empty list whatever an earlier test in this worker saved.
  const removes = screen.getByRole('button', { name: /^Remove row/ });
  while ((await removes.count()) > 0) await removes.first().click();

  await screen.getByRole('button', { name: 'Add number' }).click();
  const number = screen.getByLabel('Number, row 1');
  await expect(number).toBeFocused();
  await page.keyboard.type('555');
  await expect(number).toHaveAttribute('aria-invalid', 'true');
  await expect(number).toHaveAccessibleDescription(/start with \+ and the country code/);
  await number.fill('+0555');
  await expect(number).toHaveAccessibleDescription('a country code never starts with 0');
  await number.fill('+1 (555) 010-7788');
  await expect(number).toHaveAttribute('aria-invalid', 'false');
  await screen.getByLabel('Label, row 1').fill('Front desk');

  // A save with a bad row is refused, says why and puts the caret on the row.
  await screen.getByRole('button', { name: 'Add number' }).click();
  await screen.getByLabel('Number, row 2').fill('+1555abc');
  await screen.getByRole('button', { name: 'Save' }).click();
  await expect(screen.getByRole('alert')).toHaveText(/Not saved: 1 row needs fixing first/);
  await expect(screen.getByLabel('Number, row 2')).toBeFocused();
  await screen.getByRole('button', { name: 'Remove row 2 (+1555abc)' }).click();

  await screen.getByLabel('Import CSV…').setInputFiles({
    name: 'numbers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(CSV),
  });
  const report = screen.getByRole('region', { name: 'Import result' });
  await expect(report).toContainText('numbers.csv: 2 added, 1 updated, 3 lines skipped.');
  await expect(report.getByRole('listitem')).toHaveText([
    /^Line 4 "\+0123": a country code never starts with 0$/,
    /^Line 6 "\+1555abc": only digits after the \+$/,
    /^Line 7 blocked must be yes or no .*not "maybe"$/,
  ]);
  await expect(screen.getByLabel('Label, row 1')).toHaveValue('Reception desk');
  await expect(screen.getByLabel('Number, row 2')).toHaveValue('+15557654321');
  await expect(screen.getByLabel('Blocked, row 2')).toBeChecked();
  await expect(screen.getByLabel('Number, row 3')).toHaveValue('+15553332222');
  await expect(screen.getByText('3 numbers, 2 blocked')).toBeVisible();

  // A number typed twice is caught before the phone's Call Directory refuses the whole list.
  await screen.getByRole('button', { name: 'Add number' }).click();
  await screen.getByLabel('Number, row 4').fill('+1 555 765 4321');
  await expect(screen.getByLabel('Number, row 4')).toHaveAccessibleDescription('already listed on row 2');
  await screen.getByRole('button', { name: /^Remove row 4/ }).click();

  await screen.getByRole('button', { name: 'Save' }).click();
  const saved = screen.getByRole('status').filter({ hasText: /Saved as version \d+/ });
  await expect(saved).toBeVisible();
  const version = Number(/version (\d+)/.exec((await saved.textContent()) ?? '')![1]);
  await expect(screen.getByText(`Version ${version}`, { exact: true })).toBeVisible();
  await expect(screen.getByText('Unsaved changes')).toHaveCount(0);
  // The number typed with spaces and brackets is saved, and shown, as E.164.
  await expect(screen.getByLabel('Number, row 1')).toHaveValue('+15550107788');

  expect(await serverDirectory(server)).toEqual({
    version,
    entries: [
      { number: '+15550107788', label: 'Reception desk', blocked: false },
      { number: '+15557654321', label: 'Night shift, west', blocked: true },
      { number: '+15553332222', label: null, blocked: true },
    ],
  });

  await page.reload();
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected');
  const again = await openDirectory(page);
  await expect(again.getByText(`Version ${version}`, { exact: true })).toBeVisible();
  await expect(again.getByLabel('Number, row 1')).toHaveValue('+15550107788');
  await expect(again.getByLabel('Label, row 2')).toHaveValue('Night shift, west');
  await expect(again.getByLabel('Blocked, row 3')).toBeChecked();
  await expect(again.getByLabel('Number, row 4')).toHaveCount(0);
});

test('directory: a save based on a version another console replaced is refused, and the saved list can be loaded', async ({
  page,
  server,
  signIn,
}) => {
  await signIn(page);
  const screen = await openDirectory(page);
  await expect(screen.getByText(/Never saved|Version \d+/)).toBeVisible();

  // Another console loads the list too, and saves after this one loaded it.
  const theirs = [{ number: '+15550001111', label: 'Saved elsewhere', blocked: false }];
  const { version } = (await serverDirectory(server)) as { version: number };
  const put = await fetch(`${server.url}/api/directory`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${await secondConsoleToken(server)}`,
    },
    body: JSON.stringify({ entries: theirs, baseVersion: version }),
  });
  expect(put.status).toBe(200);

  await screen.getByRole('button', { name: 'Add number' }).click();
  await screen
    .getByRole('textbox', { name: /^Number, row \d+$/ })
    .last()
    .fill('+15559998888');
  await screen.getByRole('button', { name: 'Save' }).click();
  const refusal = screen.getByRole('alert');
  await expect(refusal).toContainText(
    'Not saved: the directory was changed by someone else since you loaded it',
  );
  expect(await serverDirectory(server)).toMatchObject({ entries: theirs });

  await refusal.getByRole('button', { name: 'Load the saved list' }).click();
  await expect(screen.getByLabel('Number, row 1')).toHaveValue('+15550001111');
  await expect(screen.getByLabel('Label, row 1')).toHaveValue('Saved elsewhere');
  await expect(screen.getByLabel('Number, row 2')).toHaveCount(0);
  await expect(screen.getByText('Unsaved changes')).toHaveCount(0);
});

test('directory: no serious accessibility violations; screenshots light and dark', async ({
  page,
  signIn,
}) => {
  await signIn(page);
  const screen = await openDirectory(page);
  await expect(screen.getByText(/Never saved|Version \d+/)).toBeVisible();
  await screen.getByLabel('Import CSV…').setInputFiles({
    name: 'numbers.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from('+15551230000,Front desk,no\n+0999,Oops,no\n+15551230001,Night line,yes\n'),
  });
  await screen.getByRole('button', { name: 'Add number' }).click();
  await expect(screen.getByRole('textbox', { name: /^Number, row \d+$/ }).last()).toBeFocused();
  await page.keyboard.type('555 0100');
  await expect(screen.getByRole('region', { name: 'Import result' })).toBeVisible();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const results = await new AxeBuilder({ page }).include('.dir').analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.screenshot({ path: `test-results/screenshots/directory-${scheme}.png` });
  }
});
