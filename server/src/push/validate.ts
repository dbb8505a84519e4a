import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What the APNs gateway needs to know, as a user or the CLI gives it. */
export interface ApnsCredentialsInput {
  /** Path to the AuthKey_<KEYID>.p8 file; or give `keyPem`. */
  keyPath?: string;
  /** The .p8 file's content (PKCS#8 PEM). */
  keyPem?: string;
  keyId: string;
  teamId: string;
  /** The iOS app's bundle id; the VoIP topic `<bundleId>.voip` is derived from it. */
  bundleId: string;
  /** An APNs emulator instead of Apple: host, port and the certificate to trust (PEM or a file). */
  endpoint?: { address: string; port: number; ca?: string | Buffer; caPath?: string };
}

export interface ApnsCredentials {
  keyPem: string;
  keyId: string;
  teamId: string;
  bundleId: string;
  /** `<bundleId>.voip` */
  topic: string;
  endpoint: { address: string; port: number; ca: string | Buffer | undefined } | undefined;
}

/** Bad APNs configuration; the message lists every problem and how to fix it. */
export class ApnsConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`APNs configuration: ${problems.join('; ')}`);
    this.name = 'ApnsConfigError';
  }
}

const APPLE_ID = /^[A-Z0-9]{10}$/;
const BUNDLE_ID = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

/**
 * Checks APNs credentials before anything is sent, so a mistake shows at start-up with what to fix
 * instead of as a 403 on the first call. Throws ApnsConfigError listing every problem.
 */
export function validateApnsConfig(input: ApnsCredentialsInput): ApnsCredentials {
  const problems: string[] = [];
  const keyPem = readKey(input, problems);

  if (!input.keyId) {
    problems.push(
      'the key id is missing: give the 10-character id Apple shows for the key (AuthKey_<KEYID>.p8)',
    );
  } else if (!APPLE_ID.test(input.keyId)) {
    problems.push(
      `key id "${input.keyId}" is not an Apple key id: those are 10 uppercase letters and digits, ` +
        'as in the file name AuthKey_<KEYID>.p8',
    );
  }
  if (!input.teamId) {
    problems.push('the team id is missing: give your 10-character Apple Developer team id');
  } else if (!APPLE_ID.test(input.teamId)) {
    problems.push(
      `team id "${input.teamId}" is not an Apple team id: those are 10 uppercase letters and digits ` +
        '(Apple Developer account → Membership details)',
    );
  }

  const bundleId = input.bundleId?.trim() ?? '';
  if (!bundleId) {
    problems.push("the bundle id is missing: give the iOS app's bundle id, e.g. com.example.switchboard");
  } else if (bundleId.endsWith('.voip')) {
    problems.push(
      `bundle id "${bundleId}" ends in .voip: give the app's bundle id ` +
        `(${bundleId.slice(0, -'.voip'.length)}); the .voip topic is derived from it`,
    );
  } else if (!BUNDLE_ID.test(bundleId)) {
    problems.push(`bundle id "${bundleId}" is not a bundle id (letters, digits, hyphens, dot-separated)`);
  }

  let endpoint: ApnsCredentials['endpoint'];
  if (input.endpoint) {
    const { address, port, caPath } = input.endpoint;
    if (!address) problems.push('the APNs endpoint has no host');
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      problems.push(`the APNs endpoint port ${port} is not a port (1-65535)`);
    }
    let ca = input.endpoint.ca;
    if (ca === undefined && caPath !== undefined) {
      try {
        ca = readFileSync(caPath, 'utf8');
      } catch (err) {
        problems.push(`cannot read the APNs CA file ${path.resolve(caPath)}: ${(err as Error).message}`);
      }
    }
    endpoint = { address, port, ca };
  }

  if (problems.length > 0) throw new ApnsConfigError(problems);
  return {
    keyPem: keyPem!,
    keyId: input.keyId,
    teamId: input.teamId,
    bundleId,
    topic: `${bundleId}.voip`,
    endpoint,
  };
}

function readKey(input: ApnsCredentialsInput, problems: string[]): string | null {
  let pem = input.keyPem;
  const where = input.keyPath ? `key file ${path.resolve(input.keyPath)}` : 'the key';
  if (pem === undefined) {
    if (!input.keyPath) {
      problems.push('no APNs key: give the path to the AuthKey_<KEYID>.p8 file from Apple');
      return null;
    }
    try {
      pem = readFileSync(input.keyPath, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems.push(
        code === 'ENOENT'
          ? `APNs key file not found: ${path.resolve(input.keyPath)} (download the .p8 key from ` +
              "Apple's developer portal, Certificates, Identifiers & Profiles → Keys)"
          : `cannot read APNs ${where}: ${(err as Error).message}`,
      );
      return null;
    }
  }
  if (pem.includes('BEGIN ENCRYPTED PRIVATE KEY')) {
    problems.push(`${where} is encrypted; Apple's .p8 keys are not: use the file as downloaded`);
    return null;
  }
  if (!pem.includes('-----BEGIN PRIVATE KEY-----')) {
    const hint = pem.includes('BEGIN EC PRIVATE KEY')
      ? ' (it is a SEC1 EC key: convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out AuthKey.p8`)'
      : pem.includes('CERTIFICATE')
        ? ' (it is a certificate; token auth needs the .p8 key instead)'
        : '';
    problems.push(
      `${where} is not an APNs .p8 key: expected a PKCS#8 PEM starting with -----BEGIN PRIVATE KEY-----${hint}`,
    );
    return null;
  }
  try {
    const key = createPrivateKey(pem);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (key.asymmetricKeyType !== 'ec' || curve !== 'prime256v1') {
      problems.push(
        `${where} is a ${key.asymmetricKeyType}${curve ? ` ${curve}` : ''} key; APNs needs the P-256 ` +
          '(ES256) key Apple issues as AuthKey_<KEYID>.p8',
      );
      return null;
    }
  } catch (err) {
    problems.push(`${where} is not a readable private key: ${(err as Error).message}`);
    return null;
  }
  return pem;
}
