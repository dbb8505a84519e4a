import { expect, test } from './fixtures';
import { companionWithCode } from './support/phones';

test('add a staff member, pair a phone with the code the console shows, call it, rename and remove', async ({
  page,
  server,
  signIn,
}) => {
  test.setTimeout(90_000);
  await signIn(page);
  const name = `Dora ${test.info().workerIndex}-${Date.now() % 100_000}`;

  await page.getByRole('button', { name: 'Add staff', exact: true }).click();
  const add = page.getByRole('dialog', { name: 'Add a staff member' });
  await add.getByLabel('Name').fill(name);
  await add.getByLabel('Phone number (optional)').fill('555 1234');
  await expect(add.getByText('Use the international format')).toBeVisible();
  await expect(add.getByRole('button', { name: 'Add staff member' })).toBeDisabled();
  await add.getByLabel('Phone number (optional)').fill('+15551234567');
  await add.getByRole('button', { name: 'Add staff member' }).click();

  // Adding goes on to pairing: a QR code, the code as text and a countdown.
  const pair = page.getByRole('dialog', { name: `Pair a phone for ${name}` });
  await expect(pair.getByRole('img', { name: 'QR code for pairing' })).toBeVisible();
  await expect(pair.getByRole('timer', { name: 'Code expires in' })).toHaveText(/Expires in (10:00|9:\d\d)/);
  const first = await pair.getByRole('status', { name: 'Pairing code' }).getAttribute('data-code');
  await pair.getByRole('button', { name: 'New code' }).click();
  await expect(pair.getByRole('status', { name: 'Pairing code' })).not.toHaveAttribute(
    'data-code',
    first ?? '',
  );
  const code = await pair.getByRole('status', { name: 'Pairing code' }).getAttribute('data-code');
  expect(code).toMatch(/^[0-9A-Z]{10}$/);

  // A virtual phone redeems the code the UI shows, as a person scanning the QR code would.
  const phone = await companionWithCode(server, code!, ['--answer-after', '1s']);
  try {
    await expect(pair).toBeHidden();
    const row = page.locator(`[data-device-id="${phone.deviceId}"]`);
    await expect(row).toHaveClass(/row-highlight/);
    await expect(row).toContainText('Virtual iPhone');
    await expect(row).toContainText('Online');

    await page.getByRole('button', { name: `Call ${name}` }).click();
    const panel = page.getByRole('article', { name: `Call with ${name}` });
    await expect(panel.getByTestId('call-state')).toHaveText('Connected');
    await panel.getByRole('button', { name: 'Hold' }).click();
    await expect(panel.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
    await expect(panel.getByTestId('call-state')).toHaveText('On hold');
    await panel.getByRole('button', { name: 'Resume' }).click();
    await panel.getByRole('button', { name: 'Mute' }).click();
    await expect(panel.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
    await panel.getByRole('button', { name: 'Hang up' }).click();
    await expect(panel.getByTestId('call-end-reason')).toHaveText('Call completed: you hung up');
    await expect(panel.getByTestId('timeline')).toContainText('Put on hold');
    await expect(panel.getByTestId('timeline')).toContainText('Muted');
    await panel.getByRole('button', { name: 'Close' }).click();
  } finally {
    await phone.stop();
  }

  await page.getByRole('button', { name: `Rename ${name}` }).click();
  const rename = page.getByRole('dialog', { name: `Rename ${name}` });
  await rename.getByLabel('Name').fill(`${name} Renamed`);
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('list', { name: 'Staff and phones' })).toContainText(`${name} Renamed`);

  await page.getByRole('button', { name: `Remove ${name} Renamed` }).click();
  const remove = page.getByRole('dialog', { name: `Remove ${name} Renamed?` });
  await remove.getByRole('button', { name: `Remove ${name} Renamed` }).click();
  await expect(page.getByRole('list', { name: 'Staff and phones' })).not.toContainText(name);
});
