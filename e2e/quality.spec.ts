import type { Page } from '@playwright/test';
import { type LossyUdp, startLossyUdp } from '../test-support/lossy-udp';
import { startTurnServer, type TurnServer } from '../test-support/turn';
import { expect, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { inProcessPhone } from './support/phones';
import { photograph } from './support/photograph';
import { capturePeers, consoleHeard } from './support/voice';

/**
 * Issue 25 item 8 as an agent sees it: two calls from the web console (Chromium's fake
 * microphone) to a virtual phone with media, both through Debian's coturn behind a stretch of
 * lossy network (test-support/lossy-udp.ts), clean for the first call and dropping 12 % of
 * datagrams for the second. Both ends report what they heard; history marks the calls, filters
 * "poor audio this week", and the call's details say what went wrong. Its own demo server: every
 * call on it goes through the relay.
 */

let turn: TurnServer;
let lossy: LossyUdp;
let server: DemoServer;

test.beforeAll(async () => {
  turn = await startTurnServer();
  lossy = await startLossyUdp({ target: turn.port, loss: 0, delayMs: 30 });
  server = await DemoServer.start({
    ringTimeout: '20s',
    extraArgs: [
      '--after-call-work',
      '0s',
      '--turn',
      `turn:127.0.0.1:${lossy.port}?transport=udp`,
      '--ice-policy',
      'relay',
    ],
    env: { SWITCHBOARD_TURN_SECRET: turn.secret },
  });
});

test.afterAll(async () => {
  await server?.dispose();
  await lossy?.close();
  await turn?.stop();
});

const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });

/** A call from the console that lasts `seconds` of audio heard, then hung up from the panel. */
async function callFor(page: Page, staffName: string, seconds: number) {
  await page.getByRole('button', { name: `Call ${staffName}` }).click();
  await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected', { timeout: 30_000 });
  const start = await consoleHeard(page);
  await expect
    .poll(async () => (await consoleHeard(page)).seconds - start.seconds, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(seconds);
  await panel(page).getByRole('button', { name: 'Hang up' }).click();
  await expect(panel(page).getByTestId('call-end-reason')).toContainText('Call completed');
}

test('history marks each call by how it sounded, filters poor audio this week, and says why', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await capturePeers(page);
  const vera = await inProcessPhone(server, 'Vera Quality', { answerAfterMs: 200 }, { media: true });
  try {
    await page.goto(`${server.consoleUrl}/`);
    await page.getByLabel('Agent name').fill('demo');
    await page.getByLabel('Password').fill('demo');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('region', { name: 'Roster' })).toBeVisible();

    await callFor(page, 'Vera Quality', 5);
    lossy.setLoss(0.12);
    await callFor(page, 'Vera Quality', 5);
    lossy.setLoss(0);
    expect(lossy.counts.dropped).toBeGreaterThan(50);

    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('region', { name: 'History' });
    const rows = history.getByRole('row').filter({ hasText: 'Vera Quality' });
    // Both ends' last reports come as each side's media closes: Refresh until both are in.
    await expect(async () => {
      await history.getByRole('button', { name: 'Refresh' }).click();
      await expect(rows.nth(0)).toContainText('Poor');
      await expect(rows.nth(1)).toContainText('Good');
    }).toPass({ timeout: 20_000 });

    await history.getByRole('button', { name: 'Poor audio this week' }).click();
    await expect(history.getByLabel('Audio')).toHaveValue('poor');
    await expect(rows).toHaveCount(1);
    await rows.first().getByRole('button').first().click();
    const details = history.getByRole('region', { name: /^Call to Vera Quality/ });
    const sounded = details.getByRole('region', { name: /How it sounded/ });
    await expect(sounded).toContainText('MOS under 3.6 one way');
    const mine = sounded.getByRole('region', { name: 'What you heard' });
    await expect(mine).toContainText('of the audio was lost on the way');
    await expect(mine).toContainText('through the TURN relay, reached over UDP');
    await expect(sounded.getByRole('region', { name: "What Vera's test iPhone heard" })).toContainText(
      'Packets lost',
    );

    // Light and dark, axe-clean (serious and critical), screenshots under test-results/screens/.
    await photograph(page, 'quality-history');
    await mine.scrollIntoViewIfNeeded();
    await photograph(page, 'quality-details');
  } finally {
    await vera.close();
  }
});
