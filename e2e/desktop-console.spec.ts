import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { type LoginSession, login } from '#shared';
import type { DesktopApi } from '../desktop/preload/api';
import type { AboutServer, ConsoleSnapshot, DesktopCommand, SettingsView } from '../desktop/preload/contract';
import { consoleReady, expect, test } from './fixtures';
import { inProcessPhone } from './support/phones';

/**
 * The console's desktop parts (features/desktop) in Chromium, against a real demo server, with
 * a stand-in for the preload's `window.api`: the Electron binary cannot run on these machines,
 * but everything on the renderer's side of the preload can. The stand-in records what the console
 * reports and lets the test play the main process (the tray, the Call menu's shortcuts).
 */

interface Recorder {
  reports: ConsoleSnapshot[];
  calls: unknown[][];
  emit(command: DesktopCommand): void;
}

const FINGERPRINT = '3f6a9c0e1b2d4f5a7c8e9d0b1a2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d';

async function openAsDesktop(
  page: Page,
  serverUrl: string,
  session: LoginSession,
  opts: { phonesOnNetwork?: boolean } = {},
): Promise<void> {
  const settings: SettingsView = {
    mode: 'embedded',
    remoteUrl: null,
    embedded: { port: 4780, phonesOnNetwork: opts.phonesOnNetwork ?? true },
    certificateProtection: 'os',
    apns: {
      configured: false,
      keyId: '',
      teamId: '',
      bundleId: '',
      environment: null,
      keyFileName: null,
      protection: 'os',
    },
  };
  const about: AboutServer = {
    mode: 'embedded',
    url: serverUrl,
    state: 'running',
    error: null,
    port: Number(new URL(serverUrl).port),
    pid: 4242,
    startedAt: Date.now(),
    phoneUrl: 'https://192.168.1.20:4780',
    certificate: { fingerprint: FINGERPRINT, expiresAt: Date.UTC(2029, 2, 14) },
    dataDir: '/home/dana/.config/Switchboard/server',
    database: '/home/dana/.config/Switchboard/server/switchboard.db',
    logFile: '/home/dana/.config/Switchboard/logs/server.log',
    owner: session.name,
    health: { ok: true, detail: 'healthy (sqlite)', checkedAt: Date.now() },
    logs: [{ at: Date.now(), level: 'info', message: 'switchboard server listening' }],
  };
  // Off: what About says while only this computer may connect, until the (stand-in) main process
  // applies the setting and tells the window the server changed.
  const aboutNow: AboutServer =
    opts.phonesOnNetwork === false ? { ...about, phoneUrl: null, certificate: null } : about;
  await page.addInitScript(
    ({ serverUrl, session, settings, about, aboutNow }) => {
      const listeners = new Set<(c: DesktopCommand) => void>();
      const aboutListeners = new Set<(a: AboutServer) => void>();
      let current = aboutNow;
      const recorder: Recorder = {
        reports: [],
        calls: [],
        emit: (command) => {
          for (const l of listeners) l(command);
        },
      };
      const record =
        (name: string) =>
        async (...args: unknown[]) => {
          recorder.calls.push([name, ...args]);
          return { ok: true } as const;
        };
      const api: DesktopApi = {
        serverUrl: () => serverUrl,
        serverMode: () => 'embedded',
        ownerSession: async () => session,
        settings: async () => settings,
        switchToEmbeddedServer: record('switchToEmbeddedServer'),
        switchToRemoteServer: record('switchToRemoteServer'),
        configureEmbeddedServer: async (embedded) => {
          recorder.calls.push(['configureEmbeddedServer', embedded]);
          settings.embedded = embedded;
          current = embedded.phonesOnNetwork ? about : { ...about, phoneUrl: null, certificate: null };
          for (const l of aboutListeners) l(current);
          return { ok: true } as const;
        },
        aboutServer: async () => current,
        chooseApnsKey: async () => ({ ok: true, fileName: 'AuthKey_ABCDE12345.p8', keyIdHint: 'ABCDE12345' }),
        saveApns: record('saveApns'),
        clearApns: record('clearApns'),
        reportConsole: (snapshot) => void recorder.reports.push(snapshot),
        onCommand: (listener) => {
          listeners.add(listener);
          return () => void listeners.delete(listener);
        },
        onAboutChanged: (listener) => {
          aboutListeners.add(listener);
          return () => void aboutListeners.delete(listener);
        },
      };
      Object.assign(window, { api, recorder });
    },
    { serverUrl, session, settings, about, aboutNow },
  );
  await page.goto(`${serverUrl}/`);
}

const recorder = (page: Page) => page.evaluate(() => (window as unknown as { recorder: Recorder }).recorder);
const emit = (page: Page, command: DesktopCommand) =>
  page.evaluate((c) => (window as unknown as { recorder: Recorder }).recorder.emit(c), command);
const lastReport = async (page: Page) => (await recorder(page)).reports.at(-1);

test('opens signed in as the owner, with Settings and About this server', async ({ page, server }) => {
  await openAsDesktop(page, server.url, await login(server.url, 'demo', 'demo'));
  // No sign-in form: the session came from the (stand-in) main process before the first render.
  await expect(page.getByRole('region', { name: 'Roster' })).toBeVisible();
  await expect(page.getByLabel('Agent name')).toHaveCount(0);
  // The roster can show before the socket is up: the report follows the connection as it comes.
  await expect.poll(() => lastReport(page)).toMatchObject({ agent: 'demo', connection: 'connected' });

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('radio', { name: /This computer/ })).toBeChecked();
  const about = page.getByRole('region', { name: 'About this server' });
  await expect(about).toContainText('Running');
  await expect(about).toContainText('https://192.168.1.20:4780');
  await expect(about).toContainText('Healthy: healthy (sqlite)');

  // APNs: the key file is picked by main; the form sends the ids only.
  await page.getByRole('button', { name: 'Choose .p8 file…' }).click();
  await expect(page.getByText('AuthKey_ABCDE12345.p8')).toBeVisible();
  await expect(page.getByLabel('Key ID')).toHaveValue('ABCDE12345');
  await page.getByLabel('Team ID').fill('TEAM123456');
  await page.getByLabel('Bundle ID of the iOS app').fill('com.example.switchboard');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  expect((await recorder(page)).calls).toContainEqual([
    'saveApns',
    { keyId: 'ABCDE12345', teamId: 'TEAM123456', bundleId: 'com.example.switchboard', environment: null },
  ]);
});

for (const scheme of ['light', 'dark'] as const) {
  test(`lets phones on this network connect: the setting, the address phones use and the certificate (${scheme})`, async ({
    page,
    server,
  }) => {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' });
    await openAsDesktop(page, server.url, await login(server.url, 'demo', 'demo'), {
      phonesOnNetwork: false,
    });
    await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
    const setting = page.getByRole('checkbox', { name: 'Let phones on this network connect' });
    const about = page.getByRole('region', { name: 'About this server' });
    await expect(setting).not.toBeChecked();
    await expect(page.getByText('Only this computer can reach the server')).toBeVisible();
    await expect(about).toContainText('Cannot connect: only this computer may');
    await expect(about).not.toContainText('https://');

    await setting.check();
    await expect(page.getByText('over HTTPS with a certificate this app makes and keeps')).toBeVisible();
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
    expect((await recorder(page)).calls).toContainEqual([
      'configureEmbeddedServer',
      { port: 4780, phonesOnNetwork: true },
    ]);
    await expect(about).toContainText('https://192.168.1.20:4780');
    // The fingerprint in groups of four, as a person compares it with the phone's.
    await expect(about).toContainText(
      '3f6a 9c0e 1b2d 4f5a 7c8e 9d0b 1a2c 3e4f 5a6b 7c8d 9e0f 1a2b 3c4d 5e6f 7a8b 9c0d',
    );

    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(bad.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await page.screenshot({ path: `test-results/screens/20-desktop-settings-phones-${scheme}.png` });
    await about.scrollIntoViewIfNeeded();
    await about.screenshot({ path: `test-results/screens/21-desktop-about-phones-${scheme}.png` });
  });
}

test('a pairing code that sends phones to this computer only says so, and how to let them in', async ({
  page,
  server,
}) => {
  await openAsDesktop(page, server.url, await login(server.url, 'demo', 'demo'), { phonesOnNetwork: false });
  await page.getByRole('button', { name: 'Pair a phone for Ben Declines' }).click();
  const pair = page.getByRole('dialog', { name: 'Pair a phone for Ben Declines' });
  await expect(pair.getByRole('img', { name: 'QR code for pairing' })).toBeVisible();
  await expect(pair.getByRole('note')).toContainText(
    `This code sends the phone to ${server.url}: this computer itself, which an iPhone cannot reach`,
  );
  await expect(pair.getByRole('note')).toContainText('Let phones on this network connect');
});

test('a test push to a demo phone gets APNs’s answer in words', async ({ page, server }) => {
  await openAsDesktop(page, server.url, await login(server.url, 'demo', 'demo'));
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
  const card = page.getByRole('region', { name: 'Test a phone' });
  await card.getByLabel('Phone').selectOption({ label: "Ana Answers — Ana's virtual iPhone" });
  await card.getByRole('button', { name: 'Send a test push' }).click();
  await expect(card.getByRole('status')).toContainText('APNs accepted the test push');
});

test('reports a ringing call to the desktop app, and answers and hangs up from its commands', async ({
  page,
  server,
}) => {
  const name = `Gus ${test.info().workerIndex}`;
  const caller = await inProcessPhone(server, name);
  try {
    await openAsDesktop(page, server.url, await login(server.url, 'demo', 'demo'));
    await consoleReady(page);

    const call = await caller.phone.placeCall();
    await expect
      .poll(async () => (await lastReport(page))?.ringing)
      .toEqual([{ callId: call.id, caller: name }]);
    // The agent's only console is their softphone: the app announces the ring (issue 26).
    expect((await lastReport(page))?.rings).toBe(true);
    await emit(page, { type: 'answer' });
    const panel = page.getByRole('article', { name: `Call with ${name}` });
    await expect(panel.getByTestId('timeline')).toContainText('Accepted by you');
    await expect
      .poll(async () => (await lastReport(page))?.call)
      .toMatchObject({ callId: call.id, peer: name });
    expect((await lastReport(page))?.ringing).toEqual([]);

    await emit(page, { type: 'hangup' });
    await expect(panel.getByTestId('call-end-reason')).toBeVisible();
    await expect.poll(async () => (await lastReport(page))?.call).toBeNull();

    // A caller who gives up before anyone answers: missed, for the badge and a notification.
    const missed = await caller.phone.placeCall();
    await expect.poll(async () => (await lastReport(page))?.ringing.length).toBe(1);
    await caller.phone.hangup(missed.id);
    await expect
      .poll(async () => (await lastReport(page))?.missed)
      .toEqual([{ callId: missed.id, caller: name, at: expect.any(Number) }]);
  } finally {
    await caller.close();
  }
});

test('the same console in a browser has no desktop parts', async ({ page, signIn }) => {
  await signIn(page);
  await expect(page.getByRole('navigation', { name: 'Screens' }).getByRole('button')).toHaveText([
    'Roster',
    'History',
    'Health',
    // With the count of callbacks waiting when there are some (other tests' calls may leave some).
    /^Callbacks/,
    'Live',
    'Directory',
    'Team',
    'Settings',
  ]);
  // Its Settings are what a browser can check from where it runs: the Network test, no server.
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
  const settings = page.getByRole('region', { name: 'Settings' });
  await expect(settings.getByRole('region', { name: 'Network test' })).toBeVisible();
  await expect(settings.getByRole('region')).toHaveCount(1);
});
