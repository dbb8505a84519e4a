import { createPrivateKey } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { APNS_ENVIRONMENTS } from '#shared';
import type { ApnsView, ChosenKey, SecretProtection } from '../preload/contract';

/**
 * Electron's safeStorage, as far as the app uses it. The live one is `safeStorage` itself plus its
 * backend's name; tests use a fake that really transforms the bytes.
 */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** 'weak' on Linux when no keyring holds the key (Electron's `basic_text` backend). */
  protection(): SecretProtection;
}

// The same rules, and nearly the same words, as the server's validateApnsConfig: the form says
// what is wrong before anything is saved, and the server checks again when it starts.
const APPLE_ID = /^[A-Z0-9]{10}$/;
export const apnsFormSchema = z.object({
  keyId: z
    .string()
    .trim()
    .regex(APPLE_ID, 'the key id is the 10 uppercase letters and digits of AuthKey_<KEYID>.p8'),
  teamId: z
    .string()
    .trim()
    .regex(APPLE_ID, 'the team id is 10 uppercase letters and digits (Apple Developer → Membership details)'),
  bundleId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, "give the iOS app's bundle id, e.g. com.example.switchboard")
    .refine(
      (id) => !id.endsWith('.voip'),
      'give the app’s bundle id without .voip: the VoIP topic is derived',
    ),
  environment: z.enum(APNS_ENVIRONMENTS).nullable(),
});

const storedSchema = apnsFormSchema.extend({ keyPem: z.string(), keyFileName: z.string() });
export type StoredApns = z.infer<typeof storedSchema>;

/** What the settings form gets back: never the key. */
export function apnsView(stored: StoredApns | null, protection: SecretProtection): ApnsView {
  return {
    configured: stored !== null,
    keyId: stored?.keyId ?? '',
    teamId: stored?.teamId ?? '',
    bundleId: stored?.bundleId ?? '',
    environment: stored?.environment ?? null,
    keyFileName: stored?.keyFileName ?? null,
    protection,
  };
}

export class ApnsKeyError extends Error {}

/** Reads a .p8 file picked in the dialog: it must be an APNs auth key (PKCS#8, EC P-256). */
export async function readApnsKey(file: string): Promise<{ pem: string; chosen: ChosenKey }> {
  const info = await stat(file);
  if (!info.isFile() || info.size > 16 * 1024) throw new ApnsKeyError('this is not an APNs .p8 key file');
  const pem = await readFile(file, 'utf8');
  let curve: string | undefined;
  try {
    const key = createPrivateKey(pem);
    curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  } catch {
    throw new ApnsKeyError('this file holds no private key: choose the AuthKey_<KEYID>.p8 Apple gave you');
  }
  if (curve !== 'prime256v1') {
    throw new ApnsKeyError('this key is not an APNs auth key (those are P-256 EC keys, AuthKey_<KEYID>.p8)');
  }
  const fileName = path.basename(file);
  const hint = /^AuthKey_([A-Z0-9]{10})\.p8$/.exec(fileName)?.[1] ?? null;
  return { pem, chosen: { fileName, keyIdHint: hint } };
}

/**
 * The APNs credentials at rest: one file, encrypted with safeStorage (the OS keychain's key),
 * readable only by this user. They leave it only for the embedded server's process.
 */
export class ApnsCredentialStore {
  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
  ) {}

  protection(): SecretProtection {
    return this.box.isEncryptionAvailable() ? this.box.protection() : 'unavailable';
  }

  async load(): Promise<StoredApns | null> {
    let encrypted: Buffer;
    try {
      encrypted = await readFile(this.file);
    } catch {
      return null;
    }
    try {
      return storedSchema.parse(JSON.parse(this.box.decryptString(encrypted)));
    } catch {
      // Encrypted by another user or machine (a copied profile): unusable, so treated as absent.
      return null;
    }
  }

  async save(creds: StoredApns): Promise<void> {
    if (!this.box.isEncryptionAvailable()) {
      throw new ApnsKeyError('this computer offers no encrypted storage, so the APNs key is not stored');
    }
    const encrypted = this.box.encryptString(JSON.stringify(storedSchema.parse(creds)));
    await writeFile(this.file, encrypted, { mode: 0o600 });
  }

  async clear(): Promise<void> {
    await rm(this.file, { force: true });
  }
}
