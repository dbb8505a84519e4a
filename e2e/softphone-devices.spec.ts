import type { Page } from '@playwright/test';
import { expect, signIn, test } from './fixtures';
import { DemoServer } from './support/demo-server';
import { inProcessPhone } from './support/phones';
import { photograph } from './support/photograph';
import { tonesOf, watchRingtone } from './support/ringing';
import { capturePeers, consoleWindow, onlyCall, phoneWindow, SILENT } from './support/voice';

/**
 * Audio devices, auto-answer and shortcuts (issue 26 items 3-4), in Chromium with its fake
 * devices (two fake outputs besides the default) and virtual phones in media mode.
 */

// A server of its own: calls here ring long enough for the checks made while they ring.
let desk: DemoServer;
test.beforeAll(async () => {
  desk = await DemoServer.start({ ringTimeout: '60s', extraArgs: ['--after-call-work', '0s'] });
});
test.afterAll(async () => {
  await desk?.dispose();
});

const panel = (page: Page) => page.getByRole('article', { name: /^Call with / });
const settings = (page: Page) => page.locator('details.softphone-settings');

/**
 * Unplugging, seen by the page (test-side only): the devices whose ids are in `__gone` leave the
 * list enumerateDevices returns, and `unplug` fires the browser's devicechange.
 */
async function watchDevices(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const devices = navigator.mediaDevices;
    const list = devices.enumerateDevices.bind(devices);
    const gone: string[] = [];
    Object.assign(window, { __gone: gone });
    devices.enumerateDevices = async () => (await list()).filter((d) => !gone.includes(d.deviceId));
  });
}

const unplug = (page: Page, ids: string[]) =>
  page.evaluate((ids) => {
    (window as unknown as { __gone: string[] }).__gone.push(...ids);
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  }, ids);

const plugBack = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __gone: string[] }).__gone.length = 0;
    navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
  });

/**
 * A tab in the background (test-side only): `document.hidden` is what the test says, and each
 * system notification the page shows is recorded, with whether it was closed.
 */
async function watchBackground(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const state = { hidden: false, notes: [] as { title: string; body: string; closed: boolean }[] };
    Object.assign(window, { __background: state });
    Object.defineProperty(document, 'hidden', { get: () => state.hidden });
    Object.defineProperty(document, 'visibilityState', { get: () => (state.hidden ? 'hidden' : 'visible') });
    const Native = window.Notification;
    window.Notification = class extends Native {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        const note = { title, body: options?.body ?? '', closed: false };
        state.notes.push(note);
        const close = this.close.bind(this);
        this.close = () => {
          note.closed = true;
          close();
        };
      }
    };
  });
}

type Background = { hidden: boolean; notes: { title: string; body: string; closed: boolean }[] };
const background = (page: Page) =>
  page.evaluate(() => (window as unknown as { __background: Background }).__background);
const hide = (page: Page) =>
  page.evaluate(() => {
    (window as unknown as { __background: Background }).__background.hidden = true;
    document.dispatchEvent(new Event('visibilitychange'));
  });

/** The ringtone's and the call's output device as the page set them ('' is the default). */
const ringtoneSink = async (page: Page) => (await tonesOf(page)).sinks.at(-1) ?? 'none';
const callSink = (page: Page) =>
  page.getByTestId('call-audio').evaluate((a) => (a as HTMLAudioElement & { sinkId: string }).sinkId);

async function open(page: Page) {
  await capturePeers(page);
  await watchRingtone(page);
  await watchDevices(page);
  await signIn(page, desk);
  // A click arms the ringtone (browsers play audio only after the user interacted).
  await page.getByRole('heading', { name: 'Roster' }).click();
}

test('the ringtone plays on its own chosen device, remembered; an unplugged device falls back with a notice', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await open(page);
  await settings(page).getByText('Audio and calls').click();
  const ringtoneSelect = page.getByLabel('Ringtone');
  // Index 0 is the system default; the fake outputs follow.
  await ringtoneSelect.selectOption({ index: 1 });
  const ringDevice = await ringtoneSelect.inputValue();
  expect(ringDevice).not.toBe('');
  await expect.poll(() => ringtoneSink(page)).toBe(ringDevice);
  await page.getByLabel('Call speaker').selectOption({ index: 2 });
  const speaker = await page.getByLabel('Call speaker').inputValue();
  expect(speaker).not.toBe(ringDevice);

  // Remembered by this browser: a reload keeps both choices, and the ring goes to its device.
  await page.reload();
  await expect(page.getByRole('status', { name: 'Connection' })).toContainText('Connected');
  await page.getByRole('heading', { name: 'Roster' }).click();
  await settings(page).getByText('Audio and calls').click();
  await expect(ringtoneSelect).toHaveValue(ringDevice);
  await expect(page.getByLabel('Call speaker')).toHaveValue(speaker);

  const tara = await inProcessPhone(desk, `Tara Tones ${test.info().workerIndex}`, {}, { media: true });
  try {
    await tara.phone.placeCall();
    const offer = page.getByRole('article', { name: /^Incoming call from Tara/ });
    await expect(offer).toContainText('Incoming call · ringing');
    await expect.poll(async () => (await tonesOf(page)).started).toBeGreaterThan(0);
    expect(await ringtoneSink(page)).toBe(ringDevice);
    await photograph(page, 'softphone-devices-ringing');
    // Answered with the keyboard: the call's audio plays on the chosen call speaker.
    await page.keyboard.press('a');
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    await expect.poll(() => callSink(page)).toBe(speaker);

    // Both outputs unplugged mid-call: the call plays on the default, and says so; still heard.
    await unplug(page, [speaker, ringDevice]);
    await expect(panel(page)).toContainText(/unplugged: (playing|ringing) on the system default/);
    await expect.poll(() => callSink(page)).toBe('');
    await expect.poll(() => ringtoneSink(page)).toBe('');
    expect(await consoleWindow(page)).toBeGreaterThan(SILENT);
    expect(await phoneWindow(tara.phone, onlyCall(tara.phone))).toBeGreaterThan(SILENT);
    await photograph(page, 'softphone-devices-unplugged');
    // Plugged back in: the chosen devices are used again, and the notice goes.
    await plugBack(page);
    await expect.poll(() => callSink(page)).toBe(speaker);
    await expect.poll(() => ringtoneSink(page)).toBe(ringDevice);
    await expect(panel(page)).not.toContainText('unplugged');
    await page.keyboard.press('e');
    await expect(panel(page).getByTestId('call-end-reason')).toHaveText('Call completed: you hung up');
  } finally {
    await tara.close();
  }
});

test('auto-answer picks up after a short tone; shortcuts mute, hold, decline and hang up, listed under ?', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await open(page);
  await settings(page).getByText('Audio and calls').click();
  const auto = page.getByLabel('Answer calls automatically (after a short tone)');
  await expect(auto).not.toBeChecked();
  await auto.check();
  await expect(auto).toBeChecked();

  const uma = await inProcessPhone(desk, `Uma Auto ${test.info().workerIndex}`, {}, { media: true });
  try {
    const call = await uma.phone.placeCall();
    await expect(
      page.getByRole('status').filter({ hasText: /Answering Uma .* automatically/ }),
    ).toBeVisible();
    // Nobody clicked: the call is answered and its audio flows both ways.
    await expect(panel(page).getByTestId('voice-state')).toHaveText('Audio connected');
    expect((await tonesOf(page)).started).toBeGreaterThan(0);
    expect(await phoneWindow(uma.phone, call.id)).toBeGreaterThan(SILENT);

    const controls = panel(page);
    await page.keyboard.press('m');
    await expect(controls.getByRole('button', { name: 'Unmute' })).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('h');
    await expect(controls.getByRole('button', { name: 'Resume' })).toHaveAttribute('aria-pressed', 'true');
    await page.keyboard.press('h');
    await expect(controls.getByRole('button', { name: 'Hold' })).toHaveAttribute('aria-pressed', 'false');
    await page.keyboard.press('m');
    await expect(controls.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'false');

    // Typing in a field is typing, not a shortcut.
    await page.getByRole('searchbox', { name: 'Search staff by name or number' }).fill('meh');
    await expect(controls.getByRole('button', { name: 'Mute' })).toHaveAttribute('aria-pressed', 'false');
    await page.getByRole('heading', { name: 'Roster' }).click();

    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect(help).toContainText('Answer the ringing call');
    await photograph(page, 'softphone-shortcuts');
    // Behind the open list, a key is not a shortcut.
    await page.keyboard.press('e');
    await expect(controls.getByTestId('voice-state')).toHaveText('Audio connected');
    await page.keyboard.press('Escape');
    await expect(help).toBeHidden();
    await page.keyboard.press('e');
    await expect(controls.getByTestId('call-end-reason')).toHaveText('Call completed: you hung up');

    // Off again: the next call rings until the agent declines it, here with D.
    await auto.uncheck();
    await expect(auto).not.toBeChecked();
    await uma.phone.placeCall();
    const offer = page.getByRole('article', { name: /^Incoming call from Uma/ });
    await expect(offer).toContainText('Incoming call · ringing');
    await expect.poll(() => page.title()).toMatch(/Incoming call: Uma|\(ringing\)/);
    await page.keyboard.press('d');
    await expect(offer).toBeHidden();
  } finally {
    await uma.close();
  }
});

test('a tab in the background rings, blinks its title and shows a notification until the call stops ringing', async ({
  page,
  context,
}) => {
  test.setTimeout(90_000);
  await context.grantPermissions(['notifications']);
  await watchBackground(page);
  await open(page);
  const vic = await inProcessPhone(desk, `Vic Background ${test.info().workerIndex}`);
  try {
    await hide(page);
    await vic.phone.placeCall();
    await expect
      .poll(async () => (await background(page)).notes)
      .toEqual([
        {
          title: 'Incoming call',
          body: expect.stringMatching(/^Vic Background \d+ is calling$/),
          closed: false,
        },
      ]);
    await expect.poll(async () => (await tonesOf(page)).started).toBeGreaterThan(0);
    await expect.poll(() => page.title()).toMatch(/\(ringing\) Switchboard/);
    // Declined (from the tray, another page, or here): the notification goes with the ring.
    await page.keyboard.press('d');
    await expect.poll(async () => (await background(page)).notes.map((n) => n.closed)).toEqual([true]);
    await expect.poll(() => page.title()).toBe('Switchboard');
  } finally {
    await vic.close();
  }
});
