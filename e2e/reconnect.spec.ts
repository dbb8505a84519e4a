import { expect, test } from './fixtures';

test('the server goes away and comes back: the console says so, reconnects by itself, and keeps what was typed', async ({
  page,
  server,
  signIn,
}) => {
  test.setTimeout(90_000);
  await signIn(page);
  const connection = page.getByRole('status', { name: 'Connection' });
  const search = page.getByRole('searchbox', { name: 'Search staff by name or number' });
  await search.fill('Ana');

  await server.stop();
  await expect(connection).toContainText('Reconnecting…');
  await expect(page.getByRole('alert').filter({ hasText: 'The server cannot be reached.' })).toBeVisible();

  // Working on while it is away: a call is refused in words, a form can still be filled in.
  await page.getByRole('button', { name: 'Call Ana Answers' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Cannot call' })).toContainText('not connected');
  await page.getByRole('button', { name: 'Add staff', exact: true }).click();
  const add = page.getByRole('dialog', { name: 'Add a staff member' });
  await add.getByLabel('Name').fill('Typed while the server was away');

  await server.start();
  const token = await page.evaluate(
    () => JSON.parse(sessionStorage.getItem('switchboard.session') ?? '{}').token,
  );
  const remembered = await fetch(`${server.url}/api/history.csv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (remembered.status === 401) {
    // This server forgot every session when it restarted: the console asks for the password over
    // its screens instead of throwing them away.
    const again = page.getByRole('dialog', { name: 'Sign in again' });
    await again.getByLabel('Password').fill('demo');
    await again.getByRole('button', { name: 'Sign in' }).click();
    await expect(again).toBeHidden();
  } else {
    expect(remembered.status).toBe(200);
  }

  await expect(connection).toContainText('Connected', { timeout: 15_000 });
  await expect(page.getByRole('alert').filter({ hasText: 'The server cannot be reached.' })).toBeHidden();
  await expect(add.getByLabel('Name')).toHaveValue('Typed while the server was away');
  await add.getByRole('button', { name: 'Cancel' }).click();
  await expect(search).toHaveValue('Ana');
  await expect(page.getByRole('list', { name: 'Staff and phones' })).toContainText('Ana Answers');
  await expect(page.getByRole('list', { name: 'Staff and phones' })).not.toContainText('Ben Declines');

  // And it works again: a call goes through after the reconnect.
  await page.getByRole('button', { name: 'Call Ana Answers' }).click();
  await expect(
    page.getByRole('article', { name: 'Call with Ana Answers' }).getByTestId('call-state'),
  ).toHaveText('Connected');
});
