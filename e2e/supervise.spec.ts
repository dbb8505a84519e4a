import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';
import { photograph } from './support/photograph';
import { becomesSilent, capturePeers, consoleWindow, onlyCall, phoneWindow, SILENT } from './support/voice';

/**
 * Supervisors listen, coach and barge (issue 26 item 5), with three parties: the agent's page
 * (demo2), the supervisor's (demo, an admin) and a virtual phone with media. Sound is measured on
 * the supervisor's page (what its peer connection received) and on the phone's audio sink.
 */

const AGENT = { name: 'demo2', password: 'demo2' };
const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });

test('an admin listens, coaches and barges; the agent sees it and the phone hears only the barge', async ({
  page,
  browser,
  server,
  signIn,
}) => {
  test.setTimeout(90_000);
  const name = `Sam Supervised ${test.info().workerIndex}`;
  const sam = await inProcessPhone(server, name, { answerAfterMs: 300 }, { media: true });
  const context = await browser.newContext();
  const agent = await context.newPage();
  try {
    await capturePeers(page);
    await signIn(page);
    await capturePeers(agent);
    await signIn(agent, AGENT);
    await agent.getByRole('searchbox').fill(name);
    await agent.getByRole('button', { name: `Call ${name}` }).click();
    await expect(panel(agent).getByTestId('voice-state')).toHaveText('Audio connected');
    const callId = onlyCall(sam.phone);

    // The Live board: the call, and Listen.
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Live' }).click();
    const row = page.getByRole('row', { name: new RegExp(`demo2 ${name}`) });
    await row.getByRole('button', { name: `Listen to demo2’s call with ${name}` }).click();
    const card = page.getByRole('article', { name: 'Supervising demo2’s call' });
    await expect(card.getByTestId('supervise-state')).toHaveText('Supervision audio connected');
    await expect(panel(agent).getByTestId('supervised')).toHaveText('demo is listening to this call');
    await expect(row).toContainText('you (listen)');

    // Photographed while the sound is measured (the supervisor's page does not change meanwhile).
    await Promise.all([photograph(page, 'supervise-01-listening'), listening()]);
    async function listening() {
      // The supervisor hears the phone's tone with the agent's microphone muted, and the agent's
      // (Chromium's fake) microphone with the phone muted: the agent's console mixes both.
      await sam.phone.mute(callId, true);
      expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
      await sam.phone.mute(callId, false);
      await panel(agent).getByRole('button', { name: 'Mute' }).click();
      await expect.poll(() => consoleWindow(page)).toBeGreaterThan(SILENT);
      // With the agent muted, whatever the phone hears is the supervisor's: listening, nothing.
      await becomesSilent(() => phoneWindow(sam.phone, callId));
    }

    // Coaching: the agent hears the supervisor; the phone still does not.
    await card.getByRole('radio', { name: /^Coach/ }).click();
    await expect(panel(agent).getByTestId('supervised')).toHaveText(
      'demo is coaching you: only you hear them',
    );
    expect(await consoleWindow(agent)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(sam.phone, callId)).toBeLessThan(SILENT);

    // Barging: the phone hears the tone, then the supervisor.
    await card.getByRole('radio', { name: /^Barge/ }).click();
    await expect(panel(agent).getByTestId('supervised')).toHaveText(
      'demo has joined the call: the caller hears them too',
    );
    await Promise.all([
      photograph(agent, 'supervise-02-agent-sees', { scan: '.dock' }),
      expect.poll(() => phoneWindow(sam.phone, callId)).toBeGreaterThan(SILENT),
    ]);

    // The agent's page reloads: it offers the supervisor again, still barging (the agent still muted).
    await agent.reload();
    await expect(panel(agent).getByTestId('voice-state')).toHaveText('Audio connected');
    await expect(panel(agent).getByTestId('supervised')).toContainText('demo has joined the call');
    await expect(card.getByTestId('supervise-state')).toHaveText('Supervision audio connected');
    await expect.poll(() => consoleWindow(page)).toBeGreaterThan(SILENT);
    await expect.poll(() => phoneWindow(sam.phone, callId)).toBeGreaterThan(SILENT);

    // The call ends: the supervisor is told why.
    await panel(agent).getByRole('button', { name: 'Hang up' }).click();
    await expect(page.getByRole('region', { name: 'Supervision ended' })).toContainText('The call ended.');
    await expect(page.getByRole('row', { name: new RegExp(name) })).toHaveCount(0);
  } finally {
    await context.close();
    await sam.close();
  }
});
