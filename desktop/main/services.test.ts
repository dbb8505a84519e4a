import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot } from '../preload/contract';
import { ApnsCredentialStore } from './apns-credentials';
import { LanCertificateStore } from './lan-certificate';
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
  rings: true,
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
  it('starts from defaults (this computer’s server on port 4780, for this computer only) and keeps changes', async () => {
    const file = path.join(dir, 'settings.json');
    const first = await SettingsStore.open(file);
    expect(first.get()).toEqual({
      server: { mode: 'embedded' },
      remoteUrl: null,
      embedded: { port: 4780, phonesOnNetwork: false },
      window: null,
    });
    await first.update((s) => ({ ...s, server: { mode: 'remote', url: 'https://calls.example.com/x?y' } }));
    const again = await SettingsStore.open(file);
    expect(again.get().server).toEqual({ mode: 'remote', url: 'https://calls.example.com' });
    expect(again.problem).toBeNull();
  });

  it('does not read the old default (plain HTTP on every interface) as a choice to let phones in', async () => {
    const file = path.join(dir, 'settings.json');
    await writeFile(file, JSON.stringify({ embedded: { port: 4790, lan: true } }));
    expect((await SettingsStore.open(file)).get().embedded).toEqual({ port: 4790, phonesOnNetwork: false });
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
  const build = async (
    over: { keyFile?: string | null; lan?: string | null; encryption?: boolean; phones?: boolean } = {},
  ) => {
    const embedded = fakeEmbedded();
    const changes: string[] = [];
    const settings = await SettingsStore.open(path.join(dir, 'settings.json'));
    if (over.phones)
      await settings.update((s) => ({ ...s, embedded: { ...s.embedded, phonesOnNetwork: true } }));
    const certificates = new LanCertificateStore(
      path.join(dir, 'lan-certificate.bin'),
      fakeSecretBox({ available: over.encryption ?? true }),
    );
    const services = new DesktopServices({
      settings,
      apns: new ApnsCredentialStore(path.join(dir, 'apns.bin'), fakeSecretBox()),
      certificates,
      embedded,
      paths: { dataDir: path.join(dir, 'server'), logFile: path.join(dir, 'server.log') },
      ownerName: 'Dana',
      lanAddress: () => (over.lan === undefined ? '192.168.1.20' : over.lan),
      hostname: 'danas-laptop',
      chooseKeyFile: async () => over.keyFile ?? null,
      serverChanged: () => changes.push(services.serverUrl() ?? 'none'),
    });
    await services.start();
    return { services, embedded, changes, certificates };
  };

  it("starts this computer's server for this computer only: loopback, plain HTTP, nothing for phones", async () => {
    const { services, embedded } = await build();
    expect(embedded.starts).toEqual([
      {
        dataDir: path.join(dir, 'server'),
        host: '127.0.0.1',
        port: 4780,
        publicUrl: undefined,
        tls: undefined,
        webRoot: undefined,
        ownerName: 'Dana',
        apns: null,
      },
    ]);
    expect(services.serverUrl()).toBe('http://127.0.0.1:4780');
    expect(services.trustedFingerprint()).toBeNull();
    expect(await services.about()).toMatchObject({ phoneUrl: null, certificate: null, error: null });
  });

  it('lets phones on this network connect over TLS, with the certificate it keeps across restarts', async () => {
    const { services, embedded, certificates, changes } = await build();
    expect(await services.configureEmbedded({ port: 4781, phonesOnNetwork: true })).toEqual({ ok: true });
    const kept = (await certificates.load())!;
    expect(embedded.starts.at(-1)).toMatchObject({
      host: '0.0.0.0',
      port: 4781,
      publicUrl: 'https://192.168.1.20:4781',
      tls: { cert: kept.cert, key: kept.key },
    });
    expect(new X509Certificate(kept.cert).subjectAltName).toContain('IP Address:192.168.1.20');
    expect(new X509Certificate(kept.cert).subjectAltName).toContain('DNS:danas-laptop');
    expect(changes).toEqual(['https://127.0.0.1:4781']);
    expect(services.trustedFingerprint()).toBe(kept.fingerprint);
    expect(await services.about()).toMatchObject({
      phoneUrl: 'https://192.168.1.20:4781',
      certificate: { fingerprint: kept.fingerprint, expiresAt: kept.expiresAt },
    });
    // The window never sees the key.
    expect(JSON.stringify([await services.about(), await services.settingsView()])).not.toContain(
      'PRIVATE KEY',
    );

    await services.shutdown();
    await services.switchToEmbedded();
    expect(embedded.starts.at(-1)!.tls).toEqual({ cert: kept.cert, key: kept.key });
    const nextRun = await build({ phones: true });
    expect(nextRun.embedded.starts[0]!.tls).toEqual({ cert: kept.cert, key: kept.key });

    expect(await services.configureEmbedded({ port: 4781, phonesOnNetwork: false })).toEqual({ ok: true });
    expect(embedded.starts.at(-1)).toMatchObject({ host: '127.0.0.1', publicUrl: undefined, tls: undefined });
    expect(services.trustedFingerprint()).toBeNull();
  });

  it('never tells phones a plain-HTTP address off this computer, whatever the settings and network', async () => {
    for (const phones of [false, true]) {
      for (const lan of ['192.168.1.20', '10.0.0.7', null]) {
        const { embedded } = await build({ phones, lan });
        const { publicUrl, host, tls } = embedded.starts[0]!;
        if (publicUrl !== undefined) expect(publicUrl).toMatch(/^https:\/\//);
        if (host !== '127.0.0.1') expect(tls).toBeDefined();
        await rm(path.join(dir, 'settings.json'), { force: true });
      }
    }
  });

  it('refuses to let phones in without encrypted storage for the certificate, and says why at start', async () => {
    const { services, embedded } = await build({ encryption: false });
    expect((await services.settingsView()).certificateProtection).toBe('unavailable');
    expect(await services.configureEmbedded({ port: 4780, phonesOnNetwork: true })).toEqual({
      ok: false,
      message:
        'this computer offers no encrypted storage for the certificate phones pin, so they cannot be let in',
    });
    expect(embedded.starts).toHaveLength(1);

    // Settings that ask for it anyway (a profile copied from another machine): this computer only.
    const copied = await build({ encryption: false, phones: true });
    expect(copied.embedded.starts[0]).toMatchObject({ host: '127.0.0.1', tls: undefined });
    expect((await copied.services.about()).error).toBe(
      'phones cannot be let in: this computer offers no encrypted storage, so the certificate phones would pin cannot be kept',
    );
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
    expect(await services.configureEmbedded({ port: 4781, phonesOnNetwork: false })).toEqual({
      ok: false,
      message: busy,
    });
    expect(await services.clearApns()).toEqual({ ok: false, message: busy });
    expect(await services.switchToRemote('https://calls.example.com')).toEqual({ ok: false, message: busy });
    expect(embedded.stops).toEqual([]);
  });

  it('moves the server to another port on this computer only, and the window follows it', async () => {
    const { services, embedded, changes } = await build();
    expect(await services.configureEmbedded({ port: 4781, phonesOnNetwork: false })).toEqual({ ok: true });
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
