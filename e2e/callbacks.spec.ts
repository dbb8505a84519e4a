import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { inProcessPhone } from './support/phones';
import { photograph } from './support/photograph';

// A server of its own: the queue starts empty, and after-call work does not get in the way.
let desk: DemoServer;
test.beforeAll(async () => {
  desk = await DemoServer.start({ ringTimeout: '20s', extraArgs: ['--after-call-work', '0'] });
});
test.afterAll(async () => {
  await desk?.dispose();
});

const nav = (page: Page, screen: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();

test('callbacks: a call that found nobody is queued on every console; one agent claims it and calls back', async ({
  browser,
  page,
}) => {
  test.setTimeout(240_000);
  const other = await browser.newContext();
  const second = await other.newPage();
  // Iris picks up a call back after a second.
  const caller = await inProcessPhone(desk, 'Iris', { answerAfterMs: 1000 });
  try {
    await signIn(page, desk);
    await signIn(second, desk, { name: 'demo2', password: 'demo2' });
    for (const p of [page, second]) {
      await p.getByRole('group', { name: 'Your availability' }).getByRole('button', { name: 'Away' }).click();
    }
    await expect(
      page.getByRole('region', { name: 'Team presence' }).getByRole('listitem', { name: 'demo2: Away' }),
    ).toBeVisible();

    // Iris calls while both are Away: nobody rings, and the call becomes a callback.
    const missed = await caller.phone.placeCall();
    expect(missed.endReason).toBe('noAgentAvailable');
    await expect(page.getByRole('navigation', { name: 'Screens' })).toContainText('Callbacks1 waiting');
    await nav(page, 'Callbacks');
    await nav(second, 'Callbacks');
    const queue = page.getByRole('table', { name: 'Callbacks waiting, oldest first' });
    const row = queue.getByRole('row', { name: /Iris/ });
    await expect(row).toContainText('1 missed call');
    await expect(row).toContainText('Not tried yet');
    await expect(row).toContainText('Nobody yet');

    // demo2 claims it: theirs alone; demo sees who has it and cannot call back.
    const theirRow = second.getByRole('table', { name: 'Callbacks waiting, oldest first' }).getByRole('row', {
      name: /Iris/,
    });
    await theirRow.getByRole('button', { name: 'Claim Iris' }).click();
    await expect(theirRow).toContainText('You');
    await expect(row).toContainText('demo2');
    await expect(row.getByRole('button', { name: 'Claim Iris' })).toHaveCount(0);
    await expect(row.getByRole('button', { name: 'Call back Iris' })).toHaveCount(0);
    await photograph(page, 'desk-07-callbacks-claimed');

    // One click calls Iris back; she answers, and the callback leaves every queue.
    await theirRow.getByRole('button', { name: 'Call back Iris' }).click();
    const panel = second.getByRole('article', { name: 'Call with Iris' });
    await expect(second.getByText('Nobody is waiting for a call back.', { exact: false })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByText('Nobody is waiting for a call back.', { exact: false })).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Screens' })).not.toContainText('waiting');
    await photograph(second, 'desk-08-callback-answered');
    await panel.getByRole('button', { name: 'Hang up' }).click();
    await expect(panel.getByTestId('call-end-reason')).toBeVisible();
  } finally {
    await caller.close();
    await other.close();
  }
});
