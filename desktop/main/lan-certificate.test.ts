import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CertificateStorageError, LanCertificateStore, RENEW_BEFORE_MS } from './lan-certificate';
import { fakeSecretBox } from './testing/fakes';

const DAY = 24 * 3600_000;

describe('the certificate phones on the network pin', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-cert-'));
    file = path.join(dir, 'lan-certificate.bin');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is made once, kept encrypted, and the same on every later run', async () => {
    const first = await new LanCertificateStore(file, fakeSecretBox()).ensure(['192.168.1.20']);
    const x509 = new X509Certificate(first.cert);
    expect(first.fingerprint).toBe(createHash('sha256').update(x509.raw).digest('hex'));
    expect(x509.subjectAltName).toContain('IP Address:192.168.1.20');
    expect(x509.subjectAltName).toContain('DNS:localhost');
    expect(x509.checkPrivateKey(createPrivateKey(first.key))).toBe(true);
    // iOS takes at most 825 days.
    expect(first.expiresAt - Date.now()).toBeLessThanOrEqual(825 * DAY);
    expect(first.expiresAt - Date.now()).toBeGreaterThan(824 * DAY);

    const onDisk = await readFile(file, 'utf8');
    expect(onDisk).not.toContain('PRIVATE KEY');
    expect(onDisk).not.toContain('BEGIN CERTIFICATE');

    const again = await new LanCertificateStore(file, fakeSecretBox()).ensure(['10.0.0.7']);
    expect(again).toEqual(first);
  });

  it('is renewed a month before it ends, not before', async () => {
    const first = await new LanCertificateStore(file, fakeSecretBox()).ensure([]);
    const at = (ms: number) => new LanCertificateStore(file, fakeSecretBox(), () => ms);
    expect(await at(first.expiresAt - RENEW_BEFORE_MS - 60_000).ensure([])).toEqual(first);
    const renewed = await at(first.expiresAt - RENEW_BEFORE_MS + 60_000).ensure([]);
    expect(renewed.fingerprint).not.toBe(first.fingerprint);
    expect(renewed.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(await new LanCertificateStore(file, fakeSecretBox()).load()).toEqual(renewed);
  });

  it('makes a new one for a file it cannot decrypt, and refuses to make one without encryption', async () => {
    await writeFile(file, 'copied from another machine');
    const store = new LanCertificateStore(file, fakeSecretBox());
    expect(await store.load()).toBeNull();
    expect((await store.ensure([])).fingerprint).toMatch(/^[0-9a-f]{64}$/);

    const none = new LanCertificateStore(path.join(dir, 'other.bin'), fakeSecretBox({ available: false }));
    expect(none.protection()).toBe('unavailable');
    await expect(none.ensure([])).rejects.toThrow(CertificateStorageError);
    await expect(none.ensure([])).rejects.toThrow('this computer offers no encrypted storage');
  });
});
