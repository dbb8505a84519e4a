/**
 * How the iOS app reads a pairing link (`PairingLink.read` in CompanionCore), written once more
 * here so that both sides check the same fixtures (`shared/fixtures/pairing-link`): the link the
 * console makes (`pairingUrl`) must be one the phone accepts.
 */
export interface PairingLink {
  server: string;
  code: string;
  /** SHA-256 of the server certificate's DER, 64 lowercase hex: the phone pins it. */
  fp: string | null;
}

export type PairingLinkProblem = 'notAPairingLink' | 'badFingerprint' | 'insecureServer';

const FINGERPRINT = /^[0-9a-f]{64}$/;

export function readPairingLink(link: string): PairingLink | { problem: PairingLinkProblem } {
  let url: URL;
  try {
    url = new URL(link.trim());
  } catch {
    return { problem: 'notAPairingLink' };
  }
  if (url.protocol !== 'switchboard:' || url.host.toLowerCase() !== 'pair')
    return { problem: 'notAPairingLink' };
  const server = url.searchParams.get('server');
  const code = url.searchParams.get('code');
  let target: URL;
  try {
    target = new URL(server ?? '');
  } catch {
    return { problem: 'notAPairingLink' };
  }
  if (!code || !['http:', 'https:'].includes(target.protocol) || !target.hostname) {
    return { problem: 'notAPairingLink' };
  }
  const fp = url.searchParams.get('fp');
  // A pin on plain http means the link was rewritten: there is no certificate to pin.
  if (fp !== null && (!FINGERPRINT.test(fp) || target.protocol !== 'https:'))
    return { problem: 'badFingerprint' };
  if (target.protocol === 'http:' && !isLocalHost(target.hostname)) return { problem: 'insecureServer' };
  return { server: server!, code, fp };
}

/**
 * Where App Transport Security (`NSAllowsLocalNetworking`) lets the app use plain http, narrowed to
 * this network: loopback, private and link-local addresses, `.local` and unqualified names.
 */
export function isLocalHost(rawHost: string): boolean {
  const host = rawHost.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.local')) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return (
      a === 127 ||
      a === 10 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    );
  }
  if (host.includes(':')) {
    const address = host.split('%')[0]!;
    if (address === '::1') return true;
    const first = Number.parseInt(address.split(':')[0] || 'x', 16);
    return !Number.isNaN(first) && ((first & 0xfe00) === 0xfc00 || (first & 0xffc0) === 0xfe80);
  }
  return !host.includes('.') && host.length > 0;
}
