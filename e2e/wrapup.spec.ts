import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { photograph } from './support/photograph';

// A server of its own with after-call work of 10 min, which saving the disposition ends: the
// 30 s shipped could run out by itself under load, and the flow would prove nothing.
let desk: DemoServer;
test.beforeAll(async () => {
  desk = await DemoServer.start({ ringTimeout: '20s', extraArgs: ['--after-call-work', '10m'] });
});
test.afterAll(async () => {
  await desk?.dispose();
});

const nav = (page: Page, screen: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: screen }).click();

test('notes and dispositions: the admin keeps the list, the agent writes during and after the call, history filters', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await signIn(page, desk);

  // Team → Dispositions: the admin adds one to the three every server starts with.
  await nav(page, 'Team');
  await page.getByRole('tab', { name: 'Dispositions' }).click();
  const editor = page.getByRole('region', { name: 'Dispositions' });
  await expect(editor.getByLabel('Disposition 1', { exact: true })).toHaveValue('Resolved');
  await editor.getByRole('button', { name: 'Add disposition' }).click();
  await editor.getByLabel('Disposition 4', { exact: true }).fill('Escalated');
  await editor.getByRole('button', { name: 'Move Escalated up' }).click();
  await editor.getByRole('button', { name: 'Save dispositions' }).click();
  await expect(editor.getByRole('button', { name: 'Save dispositions' })).toBeDisabled();
  await expect(editor.getByLabel('Disposition 3', { exact: true })).toHaveValue('Escalated');
  await photograph(page, 'desk-04-dispositions');

  // A call to Ana (she answers, then hangs up after 4 s): the note is written while it goes on.
  await nav(page, 'Roster');
  await page.getByRole('button', { name: 'Call Ana Answers' }).click();
  const panel = page.getByRole('article', { name: 'Call with Ana Answers' });
  const form = panel.getByRole('form', { name: 'Note and disposition' });
  await form.getByLabel('Note').fill('Asked about the rota; sends her shift swap by mail');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved');
  await expect(panel.getByTestId('call-state')).toHaveText('Connected');

  // Over: after-call work counts down until the disposition is saved.
  await expect(panel.getByTestId('call-end-reason')).toBeVisible({ timeout: 15_000 });
  const mine = page.getByRole('group', { name: 'Your availability' }).getByTestId('my-availability');
  await expect(mine).toHaveText(/^After-call work · \d+:\d\d left$/);
  await form.getByLabel('Disposition').selectOption({ label: 'Escalated' });
  await photograph(page, 'desk-05-wrap-up');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved · Escalated');
  await expect(mine).toHaveText(/^Available · 0:0\d$/);

  // History shows it, filters by it, and the call's details have the note.
  await nav(page, 'History');
  const history = page.getByRole('region', { name: 'History' });
  await history.getByLabel('Disposition').selectOption({ label: 'Escalated' });
  const rows = history.getByRole('table').locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Escalated');
  await rows.first().getByRole('button').first().click();
  const details = history.getByRole('region', { name: 'Call to Ana Answers' });
  await expect(details).toContainText('Asked about the rota; sends her shift swap by mail');
  await photograph(page, 'desk-06-history-disposition');
  await history.getByLabel('Disposition').selectOption({ label: 'Wrong number' });
  await expect(history.getByText('No calls match these filters', { exact: false })).toBeVisible();
});
