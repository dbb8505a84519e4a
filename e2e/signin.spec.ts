import { expect, test } from './fixtures';

test('a wrong password is refused in words and nothing is stored', async ({ page, server }) => {
  await page.goto(`${server.consoleUrl}/`);
  await page.getByLabel('Agent name').fill('demo');
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'That name and password do not match an agent on this server.',
  );
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
});

test('signing in shows the roster, survives a reload, and signing out returns to the form', async ({
  page,
  signIn,
}) => {
  await signIn(page);
  const roster = page.getByRole('list', { name: 'Staff and phones' });
  await expect(roster).toContainText('Ana Answers');
  await expect(roster).toContainText("Ana's virtual iPhone");

  await page.reload();
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected');
  await expect(roster).toContainText('Ben Declines');

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
});
