import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { manualClock } from '#shared';
import { generateProviderKey, generateTlsCertificate } from '../../../tools/apns-emulator/src';
import { ApnsConfigError, createApnsPushGateway, validateApnsConfig } from '../../src/push';

const dir = mkdtempSync(path.join(tmpdir(), 'apns-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const key = generateProviderKey();
const good = { keyPem: key.privateKeyPem, keyId: key.keyId, teamId: key.teamId, bundleId: 'com.example.app' };
const problems = (input: Parameters<typeof validateApnsConfig>[0]): string[] => {
  try {
    validateApnsConfig(input);
  } catch (err) {
    expect(err).toBeInstanceOf(ApnsConfigError);
    return (err as ApnsConfigError).problems;
  }
  return [];
};
const pem = (type: 'rsa' | 'ec', opts: object, format: 'pkcs8' | 'sec1' = 'pkcs8') =>
  generateKeyPairSync(type as 'ec', opts as { namedCurve: string })
    .privateKey.export({ type: format, format: 'pem' })
    .toString();

describe('validateApnsConfig', () => {
  it('accepts an Apple-shaped configuration and derives the .voip topic', () => {
    const file = path.join(dir, `AuthKey_${key.keyId}.p8`);
    writeFileSync(file, key.privateKeyPem);
    const { keyPem, topic, endpoint } = validateApnsConfig({ ...good, keyPem: undefined, keyPath: file });
    expect(keyPem).toBe(key.privateKeyPem);
    expect(topic).toBe('com.example.app.voip');
    expect(endpoint).toBeUndefined();
  });

  it('names the missing key file', () => {
    const missing = path.join(dir, 'AuthKey_NOPE.p8');
    expect(problems({ ...good, keyPem: undefined, keyPath: missing })).toEqual([
      expect.stringContaining(`APNs key file not found: ${missing}`),
    ]);
    expect(problems({ ...good, keyPem: undefined })).toEqual([expect.stringContaining('no APNs key')]);
  });

  it.each([
    ['an RSA key', () => pem('rsa', { modulusLength: 1024 }), /is a rsa key; APNs needs the P-256/],
    ['a P-384 key', () => pem('ec', { namedCurve: 'secp384r1' }), /is a ec secp384r1 key/],
    ['a SEC1 EC key', () => pem('ec', { namedCurve: 'prime256v1' }, 'sec1'), /SEC1 EC key: convert it/],
    ['a certificate', () => 'CERT', /is a certificate/],
    ['garbage', () => 'hello', /expected a PKCS#8 PEM starting with -----BEGIN PRIVATE KEY-----/],
    [
      'a corrupt PKCS#8 PEM',
      () => '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
      /not a readable private key/,
    ],
    [
      'an encrypted key',
      () => '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
      /encrypted/,
    ],
  ])('refuses %s', async (_name, make, message) => {
    let keyPem = make();
    if (keyPem === 'CERT') keyPem = (await generateTlsCertificate()).cert;
    const file = path.join(dir, 'AuthKey_BAD.p8');
    writeFileSync(file, keyPem);
    const found = problems({ ...good, keyPem: undefined, keyPath: file });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
    expect(found[0]).toContain(file);
  });

  it.each([
    [
      { keyId: 'ABC123' },
      /key id "ABC123" is not an Apple key id: those are 10 uppercase letters and digits/,
    ],
    [{ keyId: '' }, /key id is missing/],
    [{ teamId: 'abcde12345' }, /team id "abcde12345" is not an Apple team id/],
    [{ teamId: 'ABCDE123456' }, /team id "ABCDE123456"/],
    [{ bundleId: '' }, /bundle id is missing/],
    [
      { bundleId: 'com.example.app.voip' },
      /give the app's bundle id \(com\.example\.app\); the \.voip topic is derived/,
    ],
    [{ bundleId: 'not a bundle' }, /is not a bundle id/],
    [{ endpoint: { address: '127.0.0.1', port: 70000 } }, /port 70000 is not a port/],
    [
      { endpoint: { address: '127.0.0.1', port: 2197, caPath: '/nonexistent/ca.pem' } },
      /cannot read the APNs CA file \/nonexistent\/ca\.pem/,
    ],
  ])('refuses %j', (over, message) => {
    const found = problems({ ...good, ...over });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  it('lists every problem at once', () => {
    expect(problems({ keyId: 'x', teamId: 'y', bundleId: 'a.voip' })).toHaveLength(4);
  });

  it('makes createApnsPushGateway fail at construction', () => {
    expect(() =>
      createApnsPushGateway({
        ...good,
        keyId: 'short',
        clock: manualClock(),
        logger: pino({ level: 'silent' }),
      }),
    ).toThrow(/APNs configuration: key id "short"/);
  });
});
