import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { login } from '#shared';
import { ask, firstRoster, openAgentSocket } from '../tools/virtual-companion/src/agent-socket';
import { expect, signIn, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { inProcessPhone } from './support/phones';

/**
 * Phone health as an admin sees it (issue 25 items 2–5): a phone that stops ringing gets its mark
 * and fix in the roster, an alert, a health view with charts, and heads the Health screen; a phone
 * that rings is Good. Ring tests are real calls that end themselves after 5 s. Light and dark
 * screenshots under test-results/screens/ for a person to look at; axe-checked. Its own demo server:
 * calls ring 20 s, so "has not rung yet" (after 2 s here) shows while the call still rings.
 */

let server: DemoServer;

test.beforeAll(async () => {
  server = await DemoServer.start({
    ringTimeout: '20s',
    extraArgs: ['--after-call-work', '0s', '--not-rung-after', '2s'],
  });
});

test.afterAll(async () => {
  await server?.dispose();
});

/** Ring tests sent from a script, as another console of the same admin would. */
async function ringTests(server: DemoServer, deviceId: string, count: number): Promise<void> {
  const { token } = await login(server.url, 'demo', 'demo');
  const socket = openAgentSocket(server.url, token);
  try {
    await firstRoster(socket);
    for (let i = 0; i < count; i++) {
      const call = await ask(socket, 'ring:test', { deviceId });
      await new Promise<void>((resolve) => {
        const ended = ({ call: c }: { call: { id: string; state: string } }) => {
          if (c.id !== call.id || c.state !== 'ended') return;
          socket.off('call:changed', ended);
          resolve();
        };
        socket.on('call:changed', ended);
      });
    }
  } finally {
    socket.close();
  }
}

async function axeClean(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
}

for (const scheme of ['light', 'dark'] as const) {
  test(`a phone that stops ringing: its mark, the alert, its health chart and the Health screen (${scheme})`, async ({
    page,
  }) => {
    // Four calls of 2-5 s, two dialogs, three axe scans and screenshots: over 2 min on a loaded machine.
    test.setTimeout(180_000);
    const tag = `${scheme} ${test.info().workerIndex}-${Date.now() % 100_000}`;
    const rings = await inProcessPhone(server, `Rita Rings ${tag}`, {}, { name: 'Rita’s iPhone' });
    const silent = await inProcessPhone(server, `Sid Silent ${tag}`, {}, { name: 'Sid’s iPhone' });
    const sidId = silent.phone.credentials!.deviceId;
    try {
      // Sid's phone is off the network: APNs accepts its pushes and keeps them; nothing rings.
      await silent.phone.goOffline();
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await signIn(page, server);
      await page.getByRole('searchbox').fill(tag);
      const roster = page.getByRole('region', { name: 'Roster' });
      const sidRow = roster.locator(`[data-device-id="${sidId}"]`);
      await expect(sidRow.getByTestId('health-mark')).toHaveText('No rings yet');

      // A call it does not ring for says so on the call panel 5 s after its push (item 7).
      await page.getByRole('button', { name: `Call Sid Silent ${tag}` }).click();
      const panel = page.getByRole('region', { name: 'Call' });
      await expect(
        panel.getByRole('status').filter({ hasText: 'Push accepted, Sid’s iPhone has not rung yet' }),
      ).toBeVisible({
        timeout: 10_000,
      });
      await expect(panel.getByTestId('timeline')).toContainText(
        'Push accepted, Sid’s iPhone has not rung yet',
      );
      await panel.getByRole('button', { name: 'Cancel call' }).click();
      await expect(panel.getByTestId('call-state')).toHaveText('Cancelled');

      // A ring test from the phone's health: a real call that ends itself, shown in the call panel.
      await sidRow.getByRole('button', { name: /^Health of Sid’s iPhone: / }).click();
      const dialog = page.getByRole('dialog', { name: `Sid’s iPhone · Sid Silent ${tag}` });
      await dialog.getByRole('button', { name: 'Send a ring test' }).click();
      await expect(panel.getByTestId('call-end-reason')).toHaveText(
        'Ring test over: Sid’s iPhone did not ring',
        {
          timeout: 10_000,
        },
      );
      await dialog.getByRole('button', { name: 'Close' }).click();

      await ringTests(server, sidId, 1);
      await ringTests(server, rings.phone.credentials!.deviceId, 1);
      const fix =
        'Pushes are accepted but the phone has not rung for its last 3 calls: check Focus / Do Not Disturb and that the app is not force-quit';
      await expect(sidRow.getByTestId('health-mark')).toHaveText('Not ringing');
      await expect(sidRow).toContainText(fix);
      const alert = page.getByRole('alert', { name: `Sid’s iPhone of Sid Silent ${tag}` });
      await expect(alert).toContainText('Not ringing');
      const ritaRow = roster.locator(`[data-device-id="${rings.phone.credentials!.deviceId}"]`);
      await expect(ritaRow.getByTestId('health-mark')).toHaveText('Good');
      await axeClean(page);
      await page
        .getByRole('region', { name: 'Roster' })
        .screenshot({ path: `test-results/screens/health-roster-${scheme}.png` });

      // Its health: the mark, the fix, and the record in pictures.
      await alert.getByRole('button', { name: 'Show its health' }).click();
      const health = page.getByRole('dialog', { name: `Sid’s iPhone · Sid Silent ${tag}` });
      await expect(health.getByTestId('phone-mark')).toContainText(fix);
      const outcomes = health.getByRole('img', { name: /^Sid’s iPhone: 0 rang, 3 did not ring, 0 refused/ });
      await expect(outcomes).toBeVisible();
      await expect(outcomes.locator('rect.chart-notRung')).toHaveCount(1);
      await expect(
        health.getByRole('img', { name: 'Push to ring latency: no rings in the last 7 days' }),
      ).toBeVisible();
      await axeClean(page);
      await health.screenshot({ path: `test-results/screens/health-phone-${scheme}.png` });
      await health.getByRole('button', { name: 'Close' }).click();
      await alert.getByRole('button', { name: 'Dismiss' }).click();
      await expect(alert).toBeHidden();

      // The Health screen: worst first, filtered, the team's days, and the export.
      await page.getByRole('button', { name: 'Health', exact: true }).click();
      const screen = page.getByRole('region', { name: 'Phone health' });
      await screen.getByRole('searchbox', { name: 'Search staff or phone' }).fill(tag);
      const rows = screen.getByRole('row').filter({ has: page.getByRole('rowheader') });
      await expect(rows).toHaveCount(2);
      await expect(rows.nth(0)).toContainText('Not ringing');
      await expect(rows.nth(1)).toContainText('Good');
      await expect(rows.nth(1)).toContainText('1 of 1 (100 %)');
      await screen.getByLabel('Only phones with a problem').check();
      await expect(rows).toHaveCount(1);
      await expect(
        screen.getByRole('img', { name: /^The team over 30 days: on average \d+ % of rings rang/ }),
      ).toBeVisible();
      await axeClean(page);
      await screen.getByLabel('Only phones with a problem').uncheck();
      await page
        .locator('.workspace')
        .screenshot({ path: `test-results/screens/health-screen-${scheme}.png` });
      const download = page.waitForEvent('download');
      await screen.getByRole('button', { name: 'Export CSV' }).click();
      const csv = await (await download).createReadStream();
      const chunks: Buffer[] = [];
      for await (const chunk of csv) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      expect(text.split('\r\n')[0]).toMatch(/^staff,phone,mark,fix,pushes_7d/);
      expect(text).toContain(`Sid Silent ${tag},Sid’s iPhone,Not ringing,`);
    } finally {
      await Promise.all([rings.close(), silent.close()]);
    }
  });
}

/**
 * A staff member's fallback (issue 25 item 7) as an admin sets it: in Rename, saved on the server
 * (the roster row says so, the dialog shows it again), and rung when none of their phones has rung
 * `--not-rung-after` (2 s on this file's server) after the call went out, the timeline saying so.
 */
test('a fallback set in Rename is saved, and rings when none of the staff member’s phones rings', async ({
  page,
}) => {
  test.setTimeout(60_000);
  const tag = `fallback ${test.info().workerIndex}-${Date.now() % 100_000}`;
  const sam = `Sam Silent ${tag}`;
  const fay = `Fay Fallback ${tag}`;
  const silent = await inProcessPhone(server, sam, {}, { name: 'Sam’s iPhone' });
  const other = await inProcessPhone(server, fay, {}, { name: 'Fay’s iPhone' });
  try {
    // Sam's phone is off the network: APNs accepts its pushes and keeps them; nothing rings.
    await silent.phone.goOffline();
    await signIn(page, server);
    await page.getByRole('searchbox').fill(tag);
    const roster = page.getByRole('region', { name: 'Roster' });
    const rename = roster.getByRole('button', { name: `Rename ${sam}` });
    const dialog = page.getByRole('dialog', { name: `Rename ${sam}` });
    const field = dialog.getByLabel(`If no phone of ${sam} rings in 2.0 s, also ring`);

    await rename.click();
    await expect(field).toHaveValue('');
    await field.selectOption({ label: fay });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await axeClean(page);
      await dialog.screenshot({ path: `test-results/screens/health-fallback-${scheme}.png` });
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await expect(dialog).toBeHidden();
    await expect(roster.locator('.row-staff', { hasText: sam })).toContainText(`fallback: ${fay}`);
    await rename.click();
    await expect(field).toHaveValue(other.staffId);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: `Call ${sam}` }).click();
    const panel = page.getByRole('region', { name: 'Call' });
    const timeline = panel.getByTestId('timeline');
    await expect(timeline).toContainText(`No phone of ${sam} rang in 2.0 s: also ringing ${fay}`, {
      timeout: 10_000,
    });
    await expect(timeline).toContainText('Ringing on Fay’s iPhone');
    await expect(panel.getByTestId('call-state')).toHaveText('Ringing');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await panel.screenshot({ path: `test-results/screens/health-fallback-call-${scheme}.png` });
    }
    await panel.getByRole('button', { name: 'Cancel call' }).click();
    await expect(panel.getByTestId('call-state')).toHaveText('Cancelled');
  } finally {
    await Promise.all([silent.close(), other.close()]);
  }
});
