import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../preload/contract';
import { ApnsCredentialStore } from './apns-credentials';
import { DesktopServices } from './services';
import { SettingsStore } from './settings';
import { fakeEmbedded, fakeSecretBox } from './testing/fakes';

const FORM = {
  keyId: 'ABCDE12345',
  teamId: 'TEAM123456',
  bundleId: 'com.example.switchboard',
  environment: null,
};
const inCall: ConsoleSnapshot = {
  agent: 'Dana',
  connection: 'connected',
  call: { callId: 'c1', peer: 'Ana', state: 'active', muted: false },
  ringing: [],
  missed: [],
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-desktop-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('starts from defaults (this computer’s server on port 4780, reachable by phones) and keeps changes', async () => {
    const file = path.join(dir, 'settings.json');
    const first = await SettingsStore.open(file);
    expect(first.get()).toEqual({
      server: { mode: 'embedded' },
      remoteUrl: null,
      embedded: { port: 4780, lan: true },
      window: null,
    });
    await first.update((s) => ({ ...s, server: { mode: 'remote', url: 'https://calls.example.com/x?y' } }));
    const again = await SettingsStore.open(file);
    expect(again.get().server).toEqual({ mode: 'remote', url: 'https://calls.example.com' });
    expect(again.problem).toBeNull();
  });

  it('sets a file it cannot read aside and says so, instead of failing to start', async () => {
    const file = path.join(dir, 'settings.json');
    await writeFile(file, '{"embedded": {"port": "not a port"');
    const store = await SettingsStore.open(file);
    expect(store.get().embedded.port).toBe(4780);
    expect(store.problem).toMatch(/settings.json could not be read .*kept as settings.json.bad/);
    expect(await readFile(`${file}.bad`, 'utf8')).toContain('not a port');
  });
});

describe('the APNs credentials at rest', () => {
  it('are stored encrypted: the file holds neither the key nor the ids in clear', async () => {
    const file = path.join(dir, 'apns.bin');
    const store = new ApnsCredentialStore(file, fakeSecretBox());
    const keyPem = p8();
    await store.save({ ...FORM, keyPem, keyFileName: 'AuthKey_ABCDE12345.p8' });
    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain('PRIVATE KEY');
    expect(onDisk).not.toContain('TEAM123456');
    expect(await store.load()).toMatchObject({ keyPem, teamId: 'TEAM123456' });
  });

  it('refuses to store without encryption, and treats a file it cannot decrypt as absent', async () => {
    const file = path.join(dir, 'apns.bin');
    const none = new ApnsCredentialStore(file, fakeSecretBox({ available: false }));
    expect(none.protection()).toBe('unavailable');
    await expect(none.save({ ...FORM, keyPem: p8(), keyFileName: 'k.p8' })).rejects.toThrow(
      'this computer offers no encrypted storage',
    );
    await writeFile(file, 'copied from another machine');
    expect(await new ApnsCredentialStore(file, fakeSecretBox()).load()).toBeNull();
  });
});

describe('the main process services', () => {
  const build = async (over: { keyFile?: string | null; lan?: string | null } = {}) => {
    const embedded = fakeEmbedded();
    const changes: string[] = [];
    const services = new DesktopServices({
      settings: await SettingsStore.open(path.join(dir, 'settings.json')),
      apns: new ApnsCredentialStore(path.join(dir, 'apns.bin'), fakeSecretBox()),
      embedded,
      paths: { dataDir: path.join(dir, 'server'), logFile: path.join(dir, 'server.log') },
      ownerName: 'Dana',
      lanAddress: () => (over.lan === undefined ? '192.168.1.20' : over.lan),
      chooseKeyFile: async () => over.keyFile ?? null,
      serverChanged: () => changes.push(services.serverUrl() ?? 'none'),
    });
    await services.start();
    return { services, embedded, changes };
  };

  it("starts this computer's server on every interface, telling phones the LAN address, without APNs", async () => {
    const { services, embedded } = await build();
    expect(embedded.starts).toEqual([
      {
        dataDir: path.join(dir, 'server'),
        host: '0.0.0.0',
        port: 4780,
        publicUrl: 'http://192.168.1.20:4780',
        webRoot: undefined,
        ownerName: 'Dana',
        apns: null,
      },
    ]);
    expect(services.serverUrl()).toBe('http://127.0.0.1:4780');
  });

  it('hands the chosen .p8 key to the server process, and restarts it; the window never sees it', async () => {
    const keyFile = path.join(dir, 'AuthKey_ABCDE12345.p8');
    const keyPem = p8();
    await writeFile(keyFile, keyPem);
    const { services, embedded } = await build({ keyFile });

    expect(await services.saveApns(FORM)).toEqual({ ok: false, message: 'choose the .p8 key file first' });
    expect(await services.chooseApnsKey()).toEqual({
      ok: true,
      fileName: 'AuthKey_ABCDE12345.p8',
      keyIdHint: 'ABCDE12345',
    });
    expect(await services.saveApns({ ...FORM, teamId: 'team' })).toMatchObject({
      ok: false,
      message: expect.stringContaining('team id'),
    });
    expect(await services.saveApns(FORM)).toEqual({ ok: true });

    expect(embedded.stops).toEqual(['the desktop app restarted its server for new APNs credentials']);
    expect(embedded.starts.at(-1)!.apns).toEqual({ ...FORM, keyPem });
    const view = await services.settingsView();
    expect(view.apns).toEqual({
      configured: true,
      ...FORM,
      keyFileName: 'AuthKey_ABCDE12345.p8',
      protection: 'os',
    });
    expect(JSON.stringify(view)).not.toContain('PRIVATE KEY');
  });

  it('refuses a file that is not an APNs key, in words', async () => {
    const rsa = path.join(dir, 'key.p8');
    await writeFile(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }),
    );
    const { services } = await build({ keyFile: rsa });
    expect(await services.chooseApnsKey()).toEqual({
      ok: false,
      message: 'this key is not an APNs auth key (those are P-256 EC keys, AuthKey_<KEYID>.p8)',
    });
  });

  it('switches to a team server that answers as one, and back; refuses one that does not', async () => {
    const team = await fakeTeamServer();
    try {
      const { services, embedded, changes } = await build();
      expect(await services.switchToRemote('ftp://calls')).toMatchObject({ ok: false });
      expect(await services.switchToRemote('http://192.168.1.5:4780')).toEqual({
        ok: false,
        message:
          'a team server address starts with https:// (plain http:// only for a server on this computer)',
      });
      const nobody = await services.switchToRemote('http://127.0.0.1:9');
      expect(nobody).toMatchObject({
        ok: false,
        message: expect.stringContaining('No Switchboard server answers at http://127.0.0.1:9'),
      });

      expect(await services.switchToRemote(`${team.url}/some/path`)).toEqual({ ok: true });
      expect(services.mode()).toBe('remote');
      expect(changes).toEqual([team.url]);
      expect(embedded.stops).toEqual(['the desktop app switched to a team server']);
      await expect(services.ownerSession()).rejects.toThrow('only this computer’s server signs its owner in');
      expect(await services.about()).toMatchObject({
        mode: 'remote',
        state: 'remote',
        url: team.url,
        health: { ok: true, detail: 'healthy' },
      });

      expect(await services.switchToEmbedded()).toEqual({ ok: true });
      expect(changes).toEqual([team.url, 'http://127.0.0.1:4780']);
      expect((await services.settingsView()).remoteUrl).toBe(team.url);
    } finally {
      team.server.close();
    }
  });

  it('refuses what would restart the server while the agent is in a call', async () => {
    const { services, embedded } = await build();
    services.consoleChanged(inCall);
    const busy = expect.stringContaining('Finish the call first');
    expect(await services.configureEmbedded({ port: 4781, lan: false })).toEqual({
      ok: false,
      message: busy,
    });
    expect(await services.clearApns()).toEqual({ ok: false, message: busy });
    expect(await services.switchToRemote('https://calls.example.com')).toEqual({ ok: false, message: busy });
    expect(embedded.stops).toEqual([]);
  });

  it('moves the server to another port on this computer only, and the window follows it', async () => {
    const { services, embedded, changes } = await build();
    expect(await services.configureEmbedded({ port: 4781, lan: false })).toEqual({ ok: true });
    expect(embedded.starts.at(-1)).toMatchObject({ host: '127.0.0.1', port: 4781, publicUrl: undefined });
    expect(changes).toEqual(['http://127.0.0.1:4781']);
  });

  it('shows why the server is not running in the About panel', async () => {
    const { services, embedded } = await build();
    await services.shutdown();
    embedded.failNextStart = 'port 4780 is already in use (another Switchboard server?)';
    await services.switchToEmbedded();
    expect(await services.about()).toMatchObject({
      mode: 'embedded',
      state: 'failed',
      error: 'port 4780 is already in use (another Switchboard server?)',
      url: null,
      health: null,
      dataDir: path.join(dir, 'server'),
    });
  });
});

function p8(): string {
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
}

/** Answers /healthz as a Switchboard server does. */
async function fakeTeamServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url !== '/healthz') return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}
