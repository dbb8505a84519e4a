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

test('the top bar keeps every control of an admin on screen at 1280 and 1024 px wide', async ({
  page,
  signIn,
}) => {
  await signIn(page);
  const header = page.getByRole('banner');
  const nav = header.getByRole('navigation', { name: 'Screens' });
  const within = async (name: string, width: number) => {
    const box = await header.getByRole('button', { name, exact: true }).boundingBox();
    expect(box, name).not.toBeNull();
    expect(box!.x, `${name} at ${width} px`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${name} at ${width} px`).toBeLessThanOrEqual(width);
  };
  for (const width of [1280, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    for (const name of ['Available', 'Away', 'Sign out']) await within(name, width);
    await expect(header.getByRole('status', { name: 'Connection' })).toBeInViewport({ ratio: 1 });
    // At 1280 every screen's tab is in sight; narrower, the tabs scroll and each can be reached.
    for (const tab of await nav.getByRole('button').all()) {
      if (width < 1280) await tab.scrollIntoViewIfNeeded();
      const name = (await tab.textContent()) ?? '';
      // (A scrolled tab may sit a fraction of a pixel past the edge.)
      await expect(tab, `${name} at ${width} px`).toBeInViewport({ ratio: 0.95 });
      await within('Sign out', width);
    }
    await header.screenshot({ path: `test-results/screens/topbar-${width}.png` });
  }
});
