import AxeBuilder from '@axe-core/playwright';
import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';

/**
 * Issue 21 items 1 and 2 as an agent sees them: a phone whose microphone is off is not healthy
 * (its calls would be silent), and the record a re-paired phone left behind says where its token
 * went. Light and dark screenshots under test-results/screens/ for a person to look at.
 */
for (const scheme of ['light', 'dark'] as const) {
  test(`the roster row shows a phone without a microphone and a token moved to a new pairing (${scheme})`, async ({
    page,
    server,
    signIn,
  }) => {
    test.setTimeout(60_000);
    const tag = `${scheme} ${test.info().workerIndex}-${Date.now() % 100_000}`;
    const muted = await inProcessPhone(server, `Mia Muted ${tag}`, {}, { microphone: 'denied' });
    const old = await inProcessPhone(server, `Hal Paired Twice ${tag}`, {}, { name: 'Hal’s old pairing' });
    // The same iPhone paired again (a new device record) registers the same VoIP token.
    const again = await inProcessPhone(
      server,
      `Hal Paired Twice ${tag}`,
      {},
      { name: 'Hal’s iPhone', voipToken: old.phone.voipToken },
    );
    try {
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
      await signIn(page);
      await page.getByRole('searchbox').fill(tag);

      const mutedRow = page.locator(`[data-device-id="${muted.phone.credentials!.deviceId}"]`);
      await expect(mutedRow).toContainText('Microphone off: calls will be silent');
      await expect(mutedRow.getByTitle('On the phone: Settings › Switchboard › Microphone')).toBeVisible();
      const oldRow = page.locator(`[data-device-id="${old.phone.credentials!.deviceId}"]`);
      await expect(oldRow).toContainText('Token moved to Hal’s iPhone');
      const newRow = page.locator(`[data-device-id="${again.phone.credentials!.deviceId}"]`);
      await expect(newRow).toContainText('Push token OK');

      // The phone allows the microphone after all: the warning goes.
      await muted.phone.setMicrophone('granted');
      await expect(mutedRow).not.toContainText('Microphone off');
      await muted.phone.setMicrophone('denied');
      await expect(mutedRow).toContainText('Microphone off');

      const results = await new AxeBuilder({ page })
        .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
        .analyze();
      const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
      await page
        .getByRole('region', { name: 'Roster' })
        .screenshot({ path: `test-results/screens/roster-health-${scheme}.png` });
    } finally {
      await Promise.all([muted.close(), old.close(), again.close()]);
    }
  });
}

/**
 * A long staff name (or a long handle) must not run under the row's buttons: it is cut with an
 * ellipsis, the whole name in its tooltip, and the Call button stays clear and clickable.
 */
test('a long staff name is cut short of the row’s buttons, whole in its tooltip', async ({
  page,
  server,
  signIn,
}) => {
  const tag = `long ${test.info().workerIndex}-${Date.now() % 100_000}`;
  const name = `Maximiliana Alexandrova-Papadopoulou de la Fuente y Montenegro ${tag}`;
  const phone = await inProcessPhone(server, name);
  try {
    await page.setViewportSize({ width: 1000, height: 700 });
    await signIn(page);
    await page.getByRole('searchbox').fill(tag);
    const row = page.locator('.row-staff', { hasText: tag });
    const call = row.getByRole('button', { name: `Call ${name}` });
    await expect(call).toBeVisible();
    const nameBox = await row.locator('.staff-name').boundingBox();
    const handleBox = await row.locator('.staff-handle').boundingBox();
    const actionsBox = await row.locator('.row-actions').boundingBox();
    const rowBox = await row.boundingBox();
    if (!nameBox || !handleBox || !actionsBox || !rowBox) throw new Error('the staff row is not laid out');
    expect(nameBox.x + nameBox.width).toBeLessThanOrEqual(actionsBox.x);
    expect(handleBox.x + handleBox.width).toBeLessThanOrEqual(actionsBox.x);
    // One line: the name does not wrap out of the row's fixed height.
    expect(nameBox.y).toBeGreaterThanOrEqual(rowBox.y);
    expect(nameBox.y + nameBox.height).toBeLessThanOrEqual(rowBox.y + rowBox.height);
    await expect(row.locator('.staff-name')).toHaveAttribute('title', name);
    await call.click({ trial: true });
    await page
      .getByRole('region', { name: 'Roster' })
      .screenshot({ path: 'test-results/screens/roster-long-name.png' });
  } finally {
    await phone.close();
  }
});
