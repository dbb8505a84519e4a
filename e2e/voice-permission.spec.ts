import type { Page } from '@playwright/test';
import config from '../playwright.config';
import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';
import { becomesSilent, capturePeers, consoleWindow, onlyCall, phoneWindow, SILENT } from './support/voice';

/**
 * The first call asks for the microphone. This browser really asks (no fake permission UI) and,
 * headless, nobody answers: the request is refused, as when an agent chooses Block.
 */
const base = config.projects?.find((p) => p.name === 'web')?.use?.launchOptions;
test.use({
  launchOptions: { ...base, args: (base?.args ?? []).filter((a) => a !== '--use-fake-ui-for-media-stream') },
});

const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });

test('a blocked microphone is explained; the agent still hears the phone; Retry works once allowed', async ({
  page,
  server,
  signIn,
}) => {
  await capturePeers(page);
  await signIn(page);
  const mira = await inProcessPhone(server, 'Mira Mic', { answerAfterMs: 300 }, { media: true });
  try {
    // The worker's roster is longer than the screen and its rows are virtual: find her first.
    await page.getByRole('searchbox').fill('Mira Mic');
    await page.getByRole('button', { name: 'Call Mira Mic' }).click();
    const blocked = panel(page).getByRole('alert');
    await expect(blocked).toContainText('Microphone blocked: the phone cannot hear you');
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    const callId = onlyCall(mira.phone);
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    await becomesSilent(() => phoneWindow(mira.phone, callId));

    await page.context().grantPermissions(['microphone'], { origin: server.url });
    await blocked.getByRole('button', { name: 'Retry' }).click();
    await expect(blocked).toBeHidden();
    expect(await phoneWindow(mira.phone, callId)).toBeGreaterThan(SILENT);
    await panel(page).getByRole('button', { name: 'Hang up' }).click();
  } finally {
    await mira.close();
  }
});
