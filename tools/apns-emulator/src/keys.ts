import { createPublicKey, generateKeyPairSync, randomInt } from 'node:crypto';
import { generate } from 'selfsigned';
import type { GeneratedProviderKey } from './types';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** A 10-character uppercase alphanumeric id, the shape of Apple's key ids and team ids. */
export function appleStyleId(): string {
  let id = '';
  for (let i = 0; i < 10; i++) id += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return id;
}

/**
 * A new APNs provider key, as Apple's developer portal makes them: P-256, the private half in
 * PKCS#8 PEM (the `.p8` format), with a key id and a team id.
 */
export function generateProviderKey(ids: { keyId?: string; teamId?: string } = {}): GeneratedProviderKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    keyId: ids.keyId ?? appleStyleId(),
    teamId: ids.teamId ?? appleStyleId(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The SPKI PEM public key of a private key PEM (what the emulator needs from a .p8 file). */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

export interface TlsMaterial {
  cert: string;
  key: string;
}

/**
 * A self-signed P-256 certificate for localhost, 127.0.0.1 and ::1, valid for a year. It is its
 * own CA: clients trust it by passing the certificate as `ca`.
 */
export async function generateTlsCertificate(): Promise<TlsMaterial> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'Switchboard APNs emulator' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 365 * 24 * 3600 * 1000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
