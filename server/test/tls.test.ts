import { createHash, X509Certificate } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { pino } from 'pino';
import { generate } from 'selfsigned';
import { afterEach, describe, expect, it } from 'vitest';
import { type LoginSession, systemClock } from '#shared';
import { freshStorage } from '../../test-support/databases';
import { AGENT_PASSWORD, ensureAgent } from '../../test-support/harness';
import { TestClient } from '../../test-support/socket-client';
import { generateTlsCertificate, type TlsMaterial } from '../../tools/apns-emulator/src';
import { createServer, parseConfig, type SwitchboardServer } from '../src';

/**
 * The call server on HTTPS (issue 20 item 1): given a certificate and key it serves the API and
 * Socket.IO over TLS, and a self-signed certificate's SHA-256 goes into pairing links, for
 * phones to pin. The fingerprint is checked against what a TLS client really receives.
 */
describe('the server over TLS', () => {
  const running: { server: SwitchboardServer; dispose: () => Promise<void> }[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    for (const r of running.splice(0)) {
      await r.server.close();
      await r.dispose();
    }
  });

  async function serve(tls?: TlsMaterial, publicUrl?: string) {
    const db = await freshStorage('sqlite');
    const logger = pino({ level: 'silent' });
    const server = await createServer({
      storage: db.storage,
      logger,
      clock: systemClock(),
      config: { tls, publicUrl },
    });
    running.push({ server, dispose: db.dispose });
    const url = await server.listen(0, '127.0.0.1');
    await ensureAgent(db.storage, 'dana', Date.now());
    return { server, url };
  }

  async function signIn(url: string, ca: string) {
    const session = JSON.parse(
      await httpsText(`${url}/api/login`, ca, { name: 'dana', password: AGENT_PASSWORD }),
    ) as LoginSession;
    const agent = await TestClient.connect(`${url}/agent`, { token: session.token }, { ca });
    clients.push(agent);
    return agent;
  }

  it('serves HTTPS and Socket.IO over TLS, and pairing links carry the served certificate’s SHA-256', async () => {
    const tls = await generateTlsCertificate();
    const { url } = await serve(tls);
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(await httpsText(`${url}/healthz`, tls.cert))).toMatchObject({ ok: true });

    const agent = await signIn(url, tls.cert);
    const ana = await agent.ok<{ id: string }>('staff:create', { name: 'Ana' });
    const { url: link } = await agent.ok<{ url: string }>('pairing:create', { staffId: ana.id });
    const params = new URL(link).searchParams;
    expect(params.get('server')).toBe(url);
    expect(params.get('fp')).toBe(await servedFingerprint(url));
    expect(params.get('fp')).toMatch(/^[0-9a-f]{64}$/);

    // A plain-HTTP client gets nowhere: there is no clear-text port.
    await expect(fetch(url.replace('https:', 'http:'))).rejects.toThrow();
  });

  it('puts no fingerprint in the link for a certificate from a CA, nor when phones are sent to another address', async () => {
    const ca = await generateTlsCertificate();
    const issued = await generate([{ name: 'commonName', value: 'calls.example.test' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      ca: { cert: ca.cert, key: ca.key },
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const { url } = await serve({ cert: issued.cert, key: issued.private });
    const agent = await signIn(url, ca.cert);
    const ana = await agent.ok<{ id: string }>('staff:create', { name: 'Ana' });
    const { url: link } = await agent.ok<{ url: string }>('pairing:create', { staffId: ana.id });
    expect(new URL(link).searchParams.has('fp')).toBe(false);

    // Nor when phones are sent to another address (a TLS proxy with its own certificate).
    const own = await generateTlsCertificate();
    const proxied = await serve(own, 'http://calls.example.test');
    const other = await signIn(proxied.url, own.cert);
    const ben = await other.ok<{ id: string }>('staff:create', { name: 'Ben' });
    const proxiedLink = await other.ok<{ url: string }>('pairing:create', { staffId: ben.id });
    expect(new URL(proxiedLink.url).searchParams.has('fp')).toBe(false);
  });

  it('refuses a key that is not the certificate’s, in words, before listening', async () => {
    const a = await generateTlsCertificate();
    const b = await generateTlsCertificate();
    const db = await freshStorage('sqlite');
    try {
      await expect(
        createServer({
          storage: db.storage,
          logger: pino({ level: 'silent' }),
          config: { tls: { cert: a.cert, key: b.key } },
        }),
      ).rejects.toThrow('the TLS key does not belong to the certificate');
    } finally {
      await db.dispose();
    }
  });
});

describe('the CLI’s TLS options', () => {
  it('takes --tls-cert and --tls-key as files, both or neither, checked to belong together', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-tls-'));
    try {
      const a = await generateTlsCertificate();
      const b = await generateTlsCertificate();
      const file = async (name: string, text: string) => {
        await writeFile(path.join(dir, name), text);
        return path.join(dir, name);
      };
      const cert = await file('cert.pem', a.cert);
      const key = await file('key.pem', a.key);
      const other = await file('other.pem', b.key);
      expect(parseConfig(['--tls-cert', cert, '--tls-key', key], {}).config.tls).toEqual({
        cert: a.cert,
        key: a.key,
      });
      expect(parseConfig([], { SWITCHBOARD_TLS_CERT: cert, SWITCHBOARD_TLS_KEY: key }).config.tls).toEqual(a);
      expect(parseConfig([], {}).config.tls).toBeNull();
      expect(() => parseConfig(['--tls-cert', cert], {})).toThrow('TLS needs both --tls-cert and --tls-key');
      expect(() => parseConfig(['--tls-cert', cert, '--tls-key', other], {})).toThrow(
        '--tls-cert, --tls-key: the TLS key does not belong to the certificate',
      );
      expect(() => parseConfig(['--tls-cert', path.join(dir, 'nope'), '--tls-key', key], {})).toThrow(
        /--tls-cert: cannot read/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

/** What a TLS client receives at `url`: the SHA-256 of the peer certificate's DER, in hex. */
function servedFingerprint(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: hostname, port: Number(port), rejectUnauthorized: false }, () => {
      const raw = socket.getPeerCertificate().raw;
      socket.end();
      resolve(createHash('sha256').update(new X509Certificate(raw).raw).digest('hex'));
    });
    socket.once('error', reject);
  });
}

/** A GET, or a POST of `json`, over HTTPS trusting `ca`; the body as text, or a rejection. */
function httpsText(url: string, ca: string, json?: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca,
        method: json === undefined ? 'GET' : 'POST',
        headers: json === undefined ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          (res.statusCode ?? 500) < 300 ? resolve(body) : reject(new Error(`${res.statusCode} ${body}`)),
        );
      },
    );
    req.once('error', reject);
    req.end(json === undefined ? undefined : JSON.stringify(json));
  });
}
