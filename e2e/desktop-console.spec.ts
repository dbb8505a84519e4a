import type { Page } from '@playwright/test';
import { type LoginSession, login } from '#shared';
import type { DesktopApi } from '../desktop/preload/api';
import type { AboutServer, ConsoleSnapshot, DesktopCommand, SettingsView } from '../desktop/preload/contract';
import { expect, test } from './fixtures';
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

async function openAsDesktop(page: Page, serverUrl: string, session: LoginSession): Promise<void> {
  const settings: SettingsView = {
    mode: 'embedded',
    remoteUrl: null,
    embedded: { port: 4780, lan: true },
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
    phoneUrl: 'http://192.168.1.20:4780',
    dataDir: '/home/dana/.config/Switchboard/server',
    database: '/home/dana/.config/Switchboard/server/switchboard.db',
    logFile: '/home/dana/.config/Switchboard/logs/server.log',
    owner: session.name,
    health: { ok: true, detail: 'healthy (sqlite)', checkedAt: Date.now() },
    logs: [{ at: Date.now(), level: 'info', message: 'switchboard server listening' }],
  };
  await page.addInitScript(
    ({ serverUrl, session, settings, about }) => {
      const listeners = new Set<(c: DesktopCommand) => void>();
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
        configureEmbeddedServer: record('configureEmbeddedServer'),
        aboutServer: async () => about,
        chooseApnsKey: async () => ({ ok: true, fileName: 'AuthKey_ABCDE12345.p8', keyIdHint: 'ABCDE12345' }),
        saveApns: record('saveApns'),
        clearApns: record('clearApns'),
        reportConsole: (snapshot) => void recorder.reports.push(snapshot),
        onCommand: (listener) => {
          listeners.add(listener);
          return () => void listeners.delete(listener);
        },
        onAboutChanged: () => () => undefined,
      };
      Object.assign(window, { api, recorder });
    },
    { serverUrl, session, settings, about },
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
  expect(await lastReport(page)).toMatchObject({ agent: 'demo', connection: 'connected' });

  await page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('radio', { name: /This computer/ })).toBeChecked();
  const about = page.getByRole('region', { name: 'About this server' });
  await expect(about).toContainText('Running');
  await expect(about).toContainText('http://192.168.1.20:4780');
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
    await expect(page.getByRole('region', { name: 'Roster' })).toBeVisible();

    const call = await caller.phone.placeCall();
    await expect
      .poll(async () => (await lastReport(page))?.ringing)
      .toEqual([{ callId: call.id, caller: name }]);
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
    'Directory',
    'Team',
  ]);
});
