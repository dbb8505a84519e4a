import type { Browser, LaunchOptions } from '@playwright/test';
import { type LossyUdp, startLossyUdp } from '../test-support/lossy-udp';
import { startTurnServer, type TurnServer } from '../test-support/turn';
import { expect, signIn, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { photograph } from './support/photograph';

/**
 * Issue 25 item 9 as an agent sees it: Settings → Network test, in the web console's Chromium,
 * against Debian's coturn offered three ways (UDP behind a stretch of network the test can cut,
 * TCP, and TLS on a certificate of the test's own, which this browser is told to trust by its key
 * as a public CA's would be). First every way works; then UDP is cut and the test says so, and
 * that calls still connect over TCP or TLS.
 */

let turn: TurnServer;
let lossy: LossyUdp;
let server: DemoServer;
let browser: Browser;

test.beforeAll(async ({ playwright }) => {
  turn = await startTurnServer({ tls: true });
  lossy = await startLossyUdp({ target: turn.port, loss: 0 });
  server = await DemoServer.start({
    extraArgs: [
      '--after-call-work',
      '0s',
      '--turn',
      `turn:127.0.0.1:${lossy.port}?transport=udp`,
      '--turn',
      `turn:127.0.0.1:${turn.port}?transport=tcp`,
      '--turn',
      turn.tls!.url,
    ],
    env: { SWITCHBOARD_TURN_SECRET: turn.secret },
  });
  const launch = (test.info().project.use.launchOptions ?? {}) as LaunchOptions;
  browser = await playwright.chromium.launch({
    ...launch,
    args: [...(launch.args ?? []), `--ignore-certificate-errors-spki-list=${turn.tls!.spki}`],
  });
});

test.afterAll(async () => {
  await browser?.close();
  await server?.dispose();
  await lossy?.close();
  await turn?.stop();
});

test('the Network test says which ways to the relay work from here, and what a blocked UDP means', async () => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  try {
    await signIn(page, server);
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    const card = page.getByRole('region', { name: 'Network test' });
    await card.getByRole('button', { name: 'Run the network test' }).click();
    const verdict = card.getByTestId('network-result').getByRole('status');
    await expect(verdict).toContainText('Every path works', { timeout: 40_000 });
    for (const way of ['UDP', 'TCP', 'TLS']) {
      await expect(card.getByText(`TURN relay over ${way}`)).toBeVisible();
    }
    const rows = card.locator('.network-check');
    await expect(rows).toHaveCount(4);
    for (const i of [0, 1, 2])
      await expect(rows.nth(i)).toContainText(/Works\s*Reachable \(answered in \d+ ms\)/);
    await expect(rows.nth(3)).toContainText(/Round trip through the relay\s*Works\s*\d+ ms/);
    await photograph(page, 'network-test');

    // UDP cut off, as on a guest Wi-Fi that lets only web traffic out.
    lossy.setLoss(1);
    await card.getByRole('button', { name: 'Test again' }).click();
    await expect(verdict).toHaveText(
      'UDP is blocked here: calls will still connect, through the relay over TCP or TLS, with a little more delay and audio that stutters more on a poor connection.',
      { timeout: 40_000 },
    );
    await expect(rows.nth(0)).toContainText(/TURN relay over UDP\s*Blocked\s*Not reachable/);
    await expect(rows.nth(1)).toContainText(/TURN relay over TCP\s*Works/);
    await expect(rows.nth(2)).toContainText(/TURN relay over TLS\s*Works/);
    expect(lossy.counts.dropped).toBeGreaterThan(0);
    await photograph(page, 'network-test-udp-blocked');
  } finally {
    lossy.setLoss(0);
    await context.close();
  }
});
