import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StaffEntry } from '#shared';
import { TestClient } from '../../../test-support/socket-client';
import { ApnsCredentialStore } from '../apns-credentials';
import { LanCertificateStore } from '../lan-certificate';
import { lanAddress } from '../network';
import { DesktopServices } from '../services';
import { SettingsStore } from '../settings';
import { fakeSecretBox } from '../testing/fakes';
import { EmbeddedServer } from './controller';
import { forkLauncher } from './launchers';

const ENTRY = fileURLToPath(new URL('./entry.ts', import.meta.url));
const launch = forkLauncher(ENTRY, { execArgv: ['--import', 'tsx'] });
const LAN = lanAddress();

/**
 * Issue 20 items 1 and 10, with the real server process behind the app's own services: by
 * default this computer's server answers on loopback only; "Let phones on this network connect"
 * serves HTTPS on every interface with a certificate the app keeps, and pairing links carry the
 * https address and the certificate's SHA-256, which is what a TLS client really receives.
 */
describe.skipIf(LAN === null)(
  'this computer’s server on the network (needs a non-loopback IPv4 address)',
  () => {
    let dir: string;
    const clients: TestClient[] = [];
    const running: DesktopServices[] = [];

    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-network-'));
    });
    afterEach(async () => {
      for (const c of clients.splice(0)) c.close();
      for (const s of running.splice(0)) await s.shutdown();
      await rm(dir, { recursive: true, force: true });
    });

    /** The app's services as index.ts builds them, on this test's folder; one per app run. */
    async function appRun(port: number, phonesOnNetwork: boolean) {
      const settings = await SettingsStore.open(path.join(dir, 'settings.json'));
      await settings.update((s) => ({ ...s, embedded: { port, phonesOnNetwork } }));
      const certificates = new LanCertificateStore(path.join(dir, 'lan-certificate.bin'), fakeSecretBox());
      const services = new DesktopServices({
        settings,
        apns: new ApnsCredentialStore(path.join(dir, 'apns.bin'), fakeSecretBox()),
        certificates,
        embedded: new EmbeddedServer({ launch }),
        paths: { dataDir: path.join(dir, 'server'), logFile: path.join(dir, 'server.log') },
        ownerName: 'Dana',
        lanAddress: () => LAN,
        chooseKeyFile: async () => null,
        serverChanged: () => undefined,
      });
      running.push(services);
      await services.start();
      return { services, certificates };
    }

    /** A pairing link as the console gets it, signed in as the owner. */
    async function pairingLink(services: DesktopServices, ca?: string): Promise<URL> {
      const { token } = await services.ownerSession();
      const agent = await TestClient.connect(
        `${services.serverUrl()}/agent`,
        { token },
        ca ? { ca } : undefined,
      );
      clients.push(agent);
      const staff = await agent.ok<StaffEntry>('staff:create', { name: 'Ana' });
      return new URL((await agent.ok<{ url: string }>('pairing:create', { staffId: staff.id })).url);
    }

    it('listens on loopback only by default: the LAN address refuses, and the link names this computer only', async () => {
      const port = await freePort();
      const { services } = await appRun(port, false);
      expect(services.serverUrl()).toBe(`http://127.0.0.1:${port}`);
      expect(await connects('127.0.0.1', port)).toBe('connected');
      expect(await connects(LAN!, port)).toBe('ECONNREFUSED');

      const link = await pairingLink(services);
      expect(link.searchParams.get('server')).toBe(`http://127.0.0.1:${port}`);
      expect(link.searchParams.has('fp')).toBe(false);
      expect(await services.about()).toMatchObject({ phoneUrl: null, certificate: null });
    });

    it('lets phones in over HTTPS with the kept certificate, whose SHA-256 the link carries, the same after a restart', async () => {
      const port = await freePort();
      const { services, certificates } = await appRun(port, true);
      const kept = (await certificates.load())!;
      expect(services.serverUrl()).toBe(`https://127.0.0.1:${port}`);

      // What a phone on the network receives: the kept certificate, nothing in clear.
      const served = await servedFingerprint(LAN!, port);
      expect(served).toBe(kept.fingerprint);
      expect(JSON.parse(await httpsGet(`https://${LAN}:${port}/healthz`, kept.cert))).toMatchObject({
        ok: true,
      });
      await expect(fetch(`http://${LAN}:${port}/healthz`)).rejects.toThrow();

      const link = await pairingLink(services, kept.cert);
      expect(link.searchParams.get('server')).toBe(`https://${LAN}:${port}`);
      expect(link.searchParams.get('fp')).toBe(served);
      expect(await services.about()).toMatchObject({
        phoneUrl: `https://${LAN}:${port}`,
        certificate: { fingerprint: served },
      });

      // The next run of the app serves the same certificate: paired phones keep their pin.
      await services.shutdown();
      running.splice(running.indexOf(services), 1);
      await appRun(port, true);
      expect(await servedFingerprint(LAN!, port)).toBe(served);
      // Two real server processes one after the other: slower than the default on a busy machine.
    }, 60_000);
  },
);

/** 'connected', or the error code of a refused TCP connection. */
function connects(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port }, () => {
      socket.end();
      resolve('connected');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** The SHA-256 (hex) of the certificate a TLS client receives at host:port. */
function servedFingerprint(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host, port, rejectUnauthorized: false }, () => {
      const der = new X509Certificate(socket.getPeerCertificate().raw).raw;
      socket.end();
      resolve(createHash('sha256').update(der).digest('hex'));
    });
    socket.once('error', reject);
  });
}

/** A GET over HTTPS trusting `ca` (and checking the name against it, as a phone would). */
function httpsGet(url: string, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve(body));
    })
      .once('error', reject)
      .end();
  });
}

/** A port free on every interface now (the server takes it on loopback, or on all of them). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.once('error', reject);
    server.listen(0, '0.0.0.0', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
