import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from '@playwright/test';
import { test as base, type DEMO, type DemoServer, expect } from './fixtures';
import { DemoServer as Demo } from './support/demo-server';
import { inProcessPhone } from './support/phones';
import { capturePeers, consoleHeard, consoleWindow, onlyCall, phoneWindow, SILENT } from './support/voice';

/**
 * Transferring a live call between two consoles (two browser contexts: demo and demo2) with a
 * virtual phone in media mode: blind (after a decline) and warm (a consultation between the two
 * consoles, the phone on hold). Sound is measured on the new agent's page; each step is
 * photographed light and dark and scanned by axe.
 */

/**
 * A demo server of its own whose calls (and so transfers) ring for 30 s: the shared one rings
 * for 5 s, less than two axe scans and screenshots of a ringing transfer take on these machines.
 */
const test = base.extend<object, { server: DemoServer }>({
  server: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads the fixture's dependencies from this pattern.
    async ({}, use) => {
      // No after-call work, as the shared server: the agent who took the last test's call must be
      // Available (a transfer target) for the next.
      const server = await Demo.start({ ringTimeout: '30s', extraArgs: ['--after-call-work', '0s'] });
      await use(server);
      await server.dispose();
    },
    { scope: 'worker', timeout: 90_000 },
  ],
});

const SECOND = { name: 'demo2', password: 'demo2' };
const SCHEMES = ['light', 'dark'] as const;
const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });

async function photographed(page: Page, name: string): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
      `${name} (${scheme})`,
    ).toEqual([]);
    await page.screenshot({ path: `test-results/screens/transfer-${name}-${scheme}.png` });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The second agent's console, in a context of its own (its own session and microphone). */
async function secondConsole(browser: Browser, signIn: (page: Page, creds?: typeof DEMO) => Promise<void>) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await capturePeers(page);
  await signIn(page, SECOND);
  return { page, close: () => context.close() };
}

async function chooseTransfer(page: Page, to: string, how: 'Transfer now' | 'Talk to them first') {
  await panel(page).getByRole('button', { name: 'Transfer…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Transfer the call with / });
  await dialog.getByRole('radio', { name: to }).check();
  await dialog.getByRole('radio', { name: new RegExp(`^${how}`) }).check();
  return dialog;
}

test.beforeEach(async ({ page, signIn }) => {
  await capturePeers(page);
  await signIn(page);
});

test('blind: declined once, then accepted; the phone’s audio moves to the second console', async ({
  page,
  browser,
  server,
  signIn,
}) => {
  test.setTimeout(120_000);
  const tina = await inProcessPhone(
    server,
    `Tina Blind ${test.info().workerIndex}`,
    { answerAfterMs: 300 },
    {
      media: true,
    },
  );
  const second = await secondConsole(browser, signIn);
  try {
    await page.getByRole('button', { name: `Call Tina Blind ${test.info().workerIndex}` }).click();
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    const callId = onlyCall(tina.phone);

    const dialog = await chooseTransfer(page, SECOND.name, 'Transfer now');
    await photographed(page, '01-choose');
    await dialog.getByRole('button', { name: 'Transfer' }).click();
    await expect(panel(page).getByTestId('transfer-status')).toContainText('Transferring to demo2');
    const offer = second.page.getByRole('article', { name: 'Transfer from demo' });
    await expect(offer).toContainText(`Tina Blind ${test.info().workerIndex} from demo`);
    await photographed(second.page, '02-offered');

    // Declined: the call is still the first agent's, with its sound.
    await offer.getByRole('button', { name: 'Decline' }).click();
    await expect(offer).toBeHidden();
    await expect(panel(page).getByTestId('timeline')).toContainText('demo2 declined the transfer');
    await expect(panel(page).getByRole('button', { name: 'Transfer…' })).toBeEnabled();
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);

    // Again, and accepted.
    await (await chooseTransfer(page, SECOND.name, 'Transfer now'))
      .getByRole('button', { name: 'Transfer' })
      .click();
    await offer.getByRole('button', { name: 'Accept' }).click();
    await expect(panel(second.page).getByTestId('voice-state')).toHaveText('Audio connected');
    await expect(panel(second.page).getByTestId('timeline')).toContainText('Call transferred to demo2');
    expect(await consoleWindow(second.page)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(tina.phone, callId)).toBeGreaterThan(SILENT);
    // The first console let the call go: its panel is empty and its peer closed.
    await expect(page.getByRole('article', { name: /transferred$/ })).toContainText('demo2’s now');
    await expect(panel(page)).toHaveCount(0);
    await expect.poll(async () => (await consoleHeard(page)).state).toBe('closed');
    await photographed(second.page, '03-taken');
    expect([...tina.phone.calls.keys()]).toEqual([callId]);

    await panel(second.page).getByRole('button', { name: 'Hang up' }).click();
    await expect(panel(second.page).getByTestId('call-end-reason')).toHaveText('Call completed: you hung up');
  } finally {
    await second.close();
    await tina.close();
  }
});

test('warm: the phone waits on hold while the consoles talk, then the second agent has the call', async ({
  page,
  browser,
  server,
  signIn,
}) => {
  test.setTimeout(120_000);
  const name = `Walt Warm ${test.info().workerIndex}`;
  const walt = await inProcessPhone(server, name, { answerAfterMs: 300 }, { media: true });
  const second = await secondConsole(browser, signIn);
  try {
    await page.getByRole('button', { name: `Call ${name}` }).click();
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    const callId = onlyCall(walt.phone);

    const dialog = await chooseTransfer(page, SECOND.name, 'Talk to them first');
    await dialog.getByRole('button', { name: 'Call them first' }).click();
    await expect(panel(page).getByTestId('call-state')).toHaveText('On hold');
    await expect.poll(async () => (await walt.phone.mediaStats(callId))!.sending).toBe(false);
    const offer = second.page.getByRole('article', { name: 'Transfer from demo' });
    await offer.getByRole('button', { name: 'Accept' }).click();

    // The consultation: the two consoles hear each other (Chromium's fake microphones).
    const consult = second.page.getByRole('article', { name: 'Consultation with demo' });
    await expect(consult.getByTestId('consult-state')).toHaveText('Consultation audio connected');
    await expect(panel(page).getByTestId('consult-state')).toHaveText('Consultation audio connected');
    await expect(panel(page).getByTestId('transfer-status')).toContainText(
      `Talking with demo2. ${name} is on hold.`,
    );
    expect(await consoleWindow(second.page)).toBeGreaterThan(SILENT);
    await photographed(page, '04-consulting-first');
    await photographed(second.page, '05-consulting-second');

    await panel(page).getByRole('button', { name: 'Complete transfer' }).click();
    await expect(panel(second.page).getByTestId('voice-state')).toHaveText('Audio connected');
    await expect(panel(second.page).getByTestId('call-state')).toHaveText('Connected');
    await expect(consult).toBeHidden();
    await expect.poll(async () => (await walt.phone.mediaStats(callId))!.sending).toBe(true);
    expect(await consoleWindow(second.page)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(walt.phone, callId)).toBeGreaterThan(SILENT);
    await expect(panel(page)).toHaveCount(0);
    await photographed(second.page, '06-completed');

    // History names both agents.
    await panel(second.page).getByRole('button', { name: 'Hang up' }).click();
    await second.page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('button', { name: 'History' })
      .click();
    await second.page
      .getByRole('row', { name: new RegExp(name) })
      .first()
      .getByRole('button')
      .click();
    await expect(second.page.getByTestId('call-agents')).toHaveText('demo → demo2');
  } finally {
    await second.close();
    await walt.close();
  }
});
