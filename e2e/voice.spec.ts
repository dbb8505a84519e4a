import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';
import {
  becomesSilent,
  capturePeers,
  consoleHeard,
  consoleWindow,
  onlyCall,
  phoneWindow,
  SILENT,
} from './support/voice';

/**
 * Voice in the web console (Chromium's fake microphone, which beeps twice a second) against a
 * virtual phone in media mode (a real WebRTC peer sending a steady tone). Sound is measured on
 * both sides: the page's own getStats (inbound-rtp bytes, totalAudioEnergy) and what the phone's
 * audio sink hears. Each "silent" or "audible" verdict covers at least a second of audio that
 * arrived, so it always spans a beep.
 */

const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });

test.beforeEach(async ({ page, signIn }) => {
  await capturePeers(page);
  await signIn(page);
});

test('an outbound call has two-way audio; mute, hold and hang-up act on it', async ({ page, server }) => {
  test.setTimeout(90_000);
  const vera = await inProcessPhone(server, 'Vera Voice', { answerAfterMs: 300 }, { media: true });
  try {
    // The worker's server has other specs' staff too: the roster is virtual, a row below the fold is not there.
    await page.getByRole('searchbox').fill('Vera Voice');
    await page.getByRole('button', { name: 'Call Vera Voice' }).click();
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    const callId = onlyCall(vera.phone);
    await expect.poll(async () => (await consoleHeard(page)).bytes).toBeGreaterThan(0);
    await expect.poll(async () => (await consoleHeard(page)).energy).toBeGreaterThan(0);
    await expect.poll(async () => (await vera.phone.mediaStats(callId))!.bytesReceived).toBeGreaterThan(0);
    expect(await phoneWindow(vera.phone, callId)).toBeGreaterThan(SILENT);
    await expect(panel(page).getByTestId('voice-quality')).toHaveText('Good');

    // Mute: the agent's microphone stops reaching the phone; the phone still reaches the agent.
    await panel(page).getByRole('button', { name: 'Mute' }).click();
    await expect(panel(page).getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
    await becomesSilent(() => phoneWindow(vera.phone, callId));
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    await panel(page).getByRole('button', { name: 'Unmute' }).click();
    expect(await phoneWindow(vera.phone, callId)).toBeGreaterThan(SILENT);

    // Hold: neither side hears the other (the phone follows the call's state).
    await panel(page).getByRole('button', { name: 'Hold' }).click();
    await expect(panel(page).getByTestId('call-state')).toHaveText('On hold');
    await becomesSilent(() => phoneWindow(vera.phone, callId));
    await becomesSilent(() => consoleWindow(page));
    expect((await consoleHeard(page)).muted).toBe(true);
    await panel(page).getByRole('button', { name: 'Resume' }).click();
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(vera.phone, callId)).toBeGreaterThan(SILENT);
    expect((await consoleHeard(page)).muted).toBe(false);

    // Hang-up closes both peer connections.
    await panel(page).getByRole('button', { name: 'Hang up' }).click();
    await expect(panel(page).getByTestId('call-end-reason')).toHaveText('Call completed: you hung up');
    await expect.poll(async () => (await consoleHeard(page)).state).toBe('closed');
    await expect.poll(async () => (await vera.phone.mediaStats(callId))!.connectionState).toBe('closed');
  } finally {
    await vera.close();
  }
});

test('an inbound call the agent accepts has two-way audio; the phone hanging up closes it', async ({
  page,
  server,
}) => {
  const ivo = await inProcessPhone(server, 'Ivo Inbound', {}, { media: true });
  try {
    const call = await ivo.phone.placeCall();
    await page.getByRole('button', { name: 'Accept' }).click();
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(ivo.phone, call.id)).toBeGreaterThan(SILENT);
    await ivo.phone.hangup(call.id);
    await expect(panel(page).getByTestId('call-end-reason')).toBeVisible();
    await expect.poll(async () => (await consoleHeard(page)).state).toBe('closed');
    expect((await ivo.phone.mediaStats(call.id))!.connectionState).toBe('closed');
  } finally {
    await ivo.close();
  }
});

test('in demo mode the console hears Ana’s virtual phone', async ({ page }) => {
  await page.getByRole('button', { name: 'Call Ana Answers' }).click();
  await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
  // Ana's tone, played by the page: a second of it carries energy (she hangs up after 4 s).
  expect(await consoleWindow(page, 1)).toBeGreaterThan(SILENT);
  await expect(panel(page).getByTestId('call-end-reason')).toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => (await consoleHeard(page)).state).toBe('closed');
});
