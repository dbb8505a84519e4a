import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { inProcessPhone } from './support/phones';
import { tonesOf, watchRingtone } from './support/ringing';
import { capturePeers, consoleHeard, consoleWindow, phoneWindow, SILENT } from './support/voice';

/**
 * One softphone across an agent's tabs (issue 26 item 2): two tabs of the same agent, a virtual
 * phone in media mode. Only one tab rings and carries the call's audio; the other shows the
 * call, and takes the audio over with one click; closing the softphone tab hands it back.
 */

// A server of its own: the shared one rings for 5 s, and on a loaded machine the checks that only
// one tab rings can outlast that, so the call was gone before the Accept click.
let desk: DemoServer;
test.beforeAll(async () => {
  desk = await DemoServer.start({ ringTimeout: '60s', extraArgs: ['--after-call-work', '0s'] });
});
test.afterAll(async () => {
  await desk?.dispose();
});

const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });
const elsewhere = (page: Page) => page.getByRole('region', { name: 'Softphone' });

async function tab(page: Page) {
  await capturePeers(page);
  await watchRingtone(page);
  await signIn(page, desk);
  // A click arms the ringtone (browsers play audio only after the user interacted).
  await page.getByRole('heading', { name: 'Roster' }).click();
  return page;
}

test('two tabs: one rings, the other shows the call; it takes the audio over, and gets it back when that tab closes', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const first = await tab(page);
  const second = await tab(await context.newPage());
  const caller = await inProcessPhone(desk, `Tara ${test.info().workerIndex}`, {}, { media: true });
  try {
    await expect(elsewhere(first)).toBeHidden();
    await expect(elsewhere(second)).toContainText(/Calls ring and play in another window \(Chrome on \w+\)/);

    const call = await caller.phone.placeCall();
    const offerIn = (p: Page) => p.getByRole('article', { name: /^Incoming call from Tara/ });
    await expect(offerIn(first)).toContainText('Incoming call · ringing');
    await expect(offerIn(second)).toContainText('Incoming call · ringing');
    await expect.poll(async () => (await tonesOf(first)).started).toBeGreaterThan(0);
    await expect.poll(() => first.title()).toMatch(/Incoming call: Tara|\(ringing\)/);
    // The second tab shows the call and could take it, but is silent: the agent hears one ring.
    expect((await tonesOf(second)).started).toBe(0);
    expect(await second.title()).toBe('Switchboard');

    // Answered in the second tab, heard in the first (the softphone).
    await offerIn(second).getByRole('button', { name: 'Accept' }).click();
    await expect(panel(first).getByTestId('voice-state')).toHaveText('Audio connected');
    expect(await consoleWindow(first)).toBeGreaterThan(SILENT);
    await expect(panel(second)).toContainText('Call from');
    await expect(panel(second).getByTestId('voice-state')).toBeHidden();
    expect((await consoleHeard(second)).state).toBe('none');

    // "Use this window for calls": the audio moves, the call goes on.
    await elsewhere(second).getByRole('button', { name: 'Use this window for calls' }).click();
    await expect(elsewhere(second)).toBeHidden();
    await expect(panel(second).getByTestId('voice-state')).toHaveText('Audio connected');
    expect(await consoleWindow(second)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(caller.phone, call.id)).toBeGreaterThan(SILENT);
    await expect(elsewhere(first)).toBeVisible();
    await expect.poll(async () => (await consoleHeard(first)).state).toBe('closed');

    // Closing the softphone tab hands the softphone (and the call's audio) to the one still open.
    await second.close();
    await expect(elsewhere(first)).toBeHidden();
    await expect(panel(first).getByTestId('voice-state')).toHaveText('Audio connected');
    expect(await consoleWindow(first)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(caller.phone, call.id)).toBeGreaterThan(SILENT);
    await panel(first).getByRole('button', { name: 'Hang up' }).click();
    await expect(panel(first).getByTestId('call-end-reason')).toHaveText('Call completed: you hung up');
  } finally {
    await caller.close();
  }
});
