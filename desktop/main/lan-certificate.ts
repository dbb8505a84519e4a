import { createHash, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { generate } from 'selfsigned';
import { z } from 'zod';
import type { SecretProtection } from '../preload/contract';
import type { SecretBox } from './apns-credentials';

const DAY_MS = 24 * 3600_000;
/**
 * iOS refuses TLS server certificates valid for more than 825 days ("Requirements for trusted
 * certificates in iOS 13"), pinned or not.
 */
const VALIDITY_MS = 825 * DAY_MS;
/** A new certificate this long before the old one ends: phones must pair again with its fingerprint. */
export const RENEW_BEFORE_MS = 30 * DAY_MS;

/** The certificate this computer's server shows phones on the network, and its private key. */
export interface LanCertificate {
  cert: string;
  key: string;
  /** SHA-256 of the DER, 64 lowercase hex digits: what pairing links carry and phones pin. */
  fingerprint: string;
  expiresAt: number;
}

const storedSchema = z.object({ cert: z.string(), key: z.string() });

export class CertificateStorageError extends Error {}

/**
 * The certificate of "Let phones on this network connect": made by the app on first use and kept
 * (one file, encrypted with safeStorage as the APNs key is), so its fingerprint, which every paired
 * phone pins, stays the same across runs. Renewed a month before it ends.
 */
export class LanCertificateStore {
  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  protection(): SecretProtection {
    return this.box.isEncryptionAvailable() ? this.box.protection() : 'unavailable';
  }

  /** The kept certificate, or null when there is none (or it cannot be decrypted here). */
  async load(): Promise<LanCertificate | null> {
    let encrypted: Buffer;
    try {
      encrypted = await readFile(this.file);
    } catch {
      return null;
    }
    try {
      return withFacts(storedSchema.parse(JSON.parse(this.box.decryptString(encrypted))));
    } catch {
      // Encrypted by another user or machine (a copied profile): a new one is made instead.
      return null;
    }
  }

  /**
   * The kept certificate, or a new one when there is none or it ends within a month. `addresses`
   * (this computer's IP addresses and names) go into the new one's subject alternative names.
   */
  async ensure(addresses: string[]): Promise<LanCertificate> {
    const kept = await this.load();
    if (kept && kept.expiresAt - this.now() > RENEW_BEFORE_MS) return kept;
    if (!this.box.isEncryptionAvailable()) {
      throw new CertificateStorageError(
        'this computer offers no encrypted storage, so the certificate phones would pin cannot be kept',
      );
    }
    const made = await makeCertificate(addresses, this.now());
    await writeFile(this.file, this.box.encryptString(JSON.stringify(made)), { mode: 0o600 });
    return withFacts(made);
  }
}

function withFacts(stored: { cert: string; key: string }): LanCertificate {
  const x509 = new X509Certificate(stored.cert);
  return {
    ...stored,
    fingerprint: createHash('sha256').update(x509.raw).digest('hex'),
    expiresAt: Date.parse(x509.validTo),
  };
}

/**
 * A self-signed P-256 certificate as iOS accepts for TLS (SHA-256 signature, serverAuth, names
 * in subjectAltName, at most 825 days). Phones trust it by its pinned fingerprint, not by a CA.
 */
async function makeCertificate(addresses: string[], now: number): Promise<{ cert: string; key: string }> {
  const names = [...new Set(['localhost', '127.0.0.1', '::1', ...addresses])];
  const pems = await generate([{ name: 'commonName', value: 'Switchboard on this computer' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    // A minute back, so a phone whose clock is a little behind accepts it at once.
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + VALIDITY_MS),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: names.map((n) => (isIp(n) ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

const isIp = (name: string) => /^[\d.]+$/.test(name) || name.includes(':');
