import { expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';

test('a phone calls in: the console rings, flashes its title, and the agent accepts', async ({
  page,
  server,
  signIn,
}) => {
  const caller = await inProcessPhone(server, `Eve ${test.info().workerIndex}`);
  try {
    await signIn(page);
    // A click anywhere arms the ringtone (browsers block audio until the user interacts).
    await page.getByRole('heading', { name: 'Roster' }).click();

    const call = await caller.phone.placeCall();
    const offer = page.getByRole('article', { name: `Incoming call from Eve ${test.info().workerIndex}` });
    await expect(offer).toContainText('Incoming call · ringing');
    await expect(offer).not.toContainText('Ringtone is silent');
    await expect.poll(() => page.title()).toMatch(/Incoming call: Eve|\(ringing\)/);

    await offer.getByRole('button', { name: 'Accept' }).click();
    const panel = page.getByRole('article', { name: `Call with Eve ${test.info().workerIndex}` });
    await expect(panel).toContainText('Call from');
    await expect(panel.getByTestId('call-state')).toHaveText(/Connecting…|Connected/);
    await expect(panel.getByTestId('timeline')).toContainText(/called in/);
    await expect(panel.getByTestId('timeline')).toContainText('Accepted by you');
    await expect(offer).toBeHidden();
    await expect.poll(() => page.title()).toBe('Switchboard');

    await caller.phone.hangup(call.id);
    await expect(panel.getByTestId('call-end-reason')).toHaveText(/Call completed: hung up on/);
  } finally {
    await caller.close();
  }
});

test('a call the caller gives up on before anyone answers says so', async ({ page, server, signIn }) => {
  const caller = await inProcessPhone(server, `Finn ${test.info().workerIndex}`);
  try {
    await signIn(page);
    // A reload keeps the session but not the user gesture: the ringtone cannot play yet, and says so.
    await page.reload();
    await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected');
    const call = await caller.phone.placeCall();
    const offer = page.getByRole('article', { name: `Incoming call from Finn ${test.info().workerIndex}` });
    await expect(offer.getByRole('button', { name: 'Accept' })).toBeVisible();
    await expect(offer).toContainText('Ringtone is silent until you click or press a key');
    await caller.phone.hangup(call.id);
    await expect(offer.getByRole('status')).toHaveText('The caller hung up before it was answered');
    await offer.getByRole('button', { name: 'Dismiss' }).click();
    await expect(offer).toBeHidden();
  } finally {
    await caller.close();
  }
});

test('declining a call from a phone ends it on the phone', async ({ page, server, signIn }) => {
  const caller = await inProcessPhone(server, `Ida ${test.info().workerIndex}`);
  try {
    await signIn(page);
    const ended = new Promise<string>((resolve) =>
      caller.phone.on('ended', (_id: string, reason: string) => resolve(reason)),
    );
    await caller.phone.placeCall();
    const offer = page.getByRole('article', { name: `Incoming call from Ida ${test.info().workerIndex}` });
    await offer.getByRole('button', { name: 'Decline' }).click();
    await expect(offer).toBeHidden();
    // The only signed-in agent declined, so the call is over for the caller too.
    expect(await ended).toBe('declined');
    await expect.poll(() => page.title()).toBe('Switchboard');
  } finally {
    await caller.close();
  }
});
