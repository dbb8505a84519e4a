import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../../preload/contract';
import { ApnsCredentialStore } from '../apns-credentials';
import { LanCertificateStore } from '../lan-certificate';
import { DesktopServices } from '../services';
import { SettingsStore } from '../settings';
import { fakeEmbedded, fakeSecretBox } from '../testing/fakes';
import { registerIpcHandlers } from './handlers';
import { type IpcMainLike, type IpcSenderEvent, isTrustedSender, MainIpc } from './main-ipc';

/** ipcMain as a test drives it: the registered listeners, called with events the test makes. */
function fakeIpcMain() {
  const handlers = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => unknown>();
  const listeners = new Map<string, (event: IpcSenderEvent, ...args: unknown[]) => void>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    on: (channel, listener) => void listeners.set(channel, listener),
  };
  return {
    ipcMain,
    channels: () => [...handlers.keys(), ...listeners.keys()].sort(),
    invoke: async (event: IpcSenderEvent, channel: string, ...args: unknown[]) =>
      handlers.get(channel)!(event, ...args),
    send: (event: IpcSenderEvent, channel: string, ...args: unknown[]) =>
      listeners.get(channel)!(event, ...args),
  };
}

const console_: IpcSenderEvent = { senderFrame: { url: 'app://switchboard/index.html', parent: null } };
const untrusted: Record<string, IpcSenderEvent> = {
  'a page of another origin': { senderFrame: { url: 'https://evil.example/', parent: null } },
  'the server origin': { senderFrame: { url: 'http://127.0.0.1:4780/', parent: null } },
  'an iframe of the console': { senderFrame: { url: 'app://switchboard/x.html', parent: {} } },
  'a destroyed frame': { senderFrame: null },
  'a file:// page': { senderFrame: { url: 'file:///tmp/index.html', parent: null } },
};

const snapshot: ConsoleSnapshot = {
  agent: 'Dana',
  connection: 'connected',
  call: null,
  ringing: [],
  rings: true,
  missed: [],
};

describe('IPC handlers', () => {
  let dir: string;
  let ipc: ReturnType<typeof fakeIpcMain>;
  let embedded: ReturnType<typeof fakeEmbedded>;
  const warnings: string[] = [];
  const states: ConsoleSnapshot[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-ipc-'));
    ipc = fakeIpcMain();
    embedded = fakeEmbedded();
    const services = new DesktopServices({
      settings: await SettingsStore.open(path.join(dir, 'settings.json')),
      apns: new ApnsCredentialStore(path.join(dir, 'apns.bin'), fakeSecretBox()),
      certificates: new LanCertificateStore(path.join(dir, 'lan-certificate.bin'), fakeSecretBox()),
      embedded,
      paths: { dataDir: path.join(dir, 'server'), logFile: path.join(dir, 'server.log') },
      ownerName: 'Dana',
      lanAddress: () => null,
      chooseKeyFile: async () => null,
      serverChanged: () => undefined,
    });
    await services.start();
    registerIpcHandlers(new MainIpc(ipc.ipcMain, (w) => warnings.push(w)), services, (s) => states.push(s));
  });
  afterEach(async () => {
    warnings.splice(0);
    states.splice(0);
    await rm(dir, { recursive: true, force: true });
  });

  it('answers every contract channel, and only those', () => {
    expect(ipc.channels()).toEqual([
      'apns:choose-key',
      'apns:clear',
      'apns:save',
      'console:state',
      'server:about',
      'server:configure-embedded',
      'server:use-embedded',
      'server:use-remote',
      'session:owner',
      'settings:get',
    ]);
  });

  it("hands the console's own top frame an owner session", async () => {
    expect(await ipc.invoke(console_, 'session:owner')).toMatchObject({ name: 'Dana', token: 'token-1' });
  });

  for (const [what, event] of Object.entries(untrusted)) {
    it(`refuses ${what}, without running the handler`, async () => {
      expect(isTrustedSender(event)).toBe(false);
      await expect(ipc.invoke(event, 'session:owner')).rejects.toThrow(
        'session:owner: refused, the sender is not the Switchboard console',
      );
      ipc.send(event, 'console:state', snapshot);
      expect(embedded.sessions).toBe(0);
      expect(states).toEqual([]);
      expect(warnings).toHaveLength(2);
    });
  }

  it('refuses malformed arguments in words, before the handler', async () => {
    await expect(
      ipc.invoke(console_, 'server:configure-embedded', { port: 80, phonesOnNetwork: true }),
    ).rejects.toThrow(/server:configure-embedded: .*1024/);
    await expect(
      ipc.invoke(console_, 'apns:save', { keyId: 'A', teamId: 'B', bundleId: 'c.d' }),
    ).rejects.toThrow('apns:save');
    ipc.send(console_, 'console:state', { ...snapshot, connection: 'hacked' });
    expect(states).toEqual([]);
    expect(warnings[0]).toMatch(/^ignored a malformed console:state/);
  });

  it('passes a well-formed console state on', () => {
    ipc.send(console_, 'console:state', snapshot);
    expect(states).toEqual([snapshot]);
  });

  it('never gives the window the APNs key: the settings view has no key material', async () => {
    const view = (await ipc.invoke(console_, 'settings:get')) as Record<string, unknown>;
    expect(JSON.stringify(view)).not.toMatch(/PRIVATE KEY|keyPem/);
    expect(view).toMatchObject({ mode: 'embedded', embedded: { port: 4780, phonesOnNetwork: false } });
  });
});
