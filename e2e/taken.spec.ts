import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';

test("a call rung on two agents' consoles: one accepts, the other sees it taken", async ({
  browser,
  page,
  server,
  signIn,
}) => {
  const other = await browser.newContext();
  const second = await other.newPage();
  const caller = await inProcessPhone(server, `Hana ${test.info().workerIndex}`);
  try {
    await signIn(page);
    await signIn(second, { name: 'demo2', password: 'demo2' });

    const call = await caller.phone.placeCall();
    const name = `Incoming call from Hana ${test.info().workerIndex}`;
    const mine = page.getByRole('article', { name });
    const theirs = second.getByRole('article', { name });
    await expect(mine.getByRole('button', { name: 'Accept' })).toBeVisible();
    await expect(theirs.getByRole('button', { name: 'Accept' })).toBeVisible();

    await theirs.getByRole('button', { name: 'Accept' }).click();
    await expect(second.getByRole('article', { name: /^Call with Hana/ })).toContainText('Call from');

    await expect(mine.getByRole('status')).toHaveText('Taken by another agent');
    await expect(mine.getByRole('button', { name: 'Accept' })).toBeHidden();
    await expect(page.getByRole('article', { name: /^Call with Hana/ })).toHaveCount(0);
    await expect.poll(() => page.title()).toBe('Switchboard');

    await caller.phone.hangup(call.id);
    await expect(
      second.getByRole('article', { name: /^Call with Hana/ }).getByTestId('call-end-reason'),
    ).toHaveText(/Call completed: hung up on/);
  } finally {
    await caller.close();
    await other.close();
  }
});
