import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import type { ProviderKey } from './types';

/** APNs refuses provider tokens older than an hour. */
export const TOKEN_MAX_AGE_S = 3600;
/** Clock skew tolerated for a token issued "in the future". */
export const TOKEN_FUTURE_SKEW_S = 60;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** Signs an APNs provider token (ES256 JWT) the way Apple expects: `kid` header, `iss` and `iat` claims. */
export function signProviderToken(opts: {
  keyId: string;
  teamId: string;
  privateKeyPem: string | KeyObject;
  /** Issued-at in epoch seconds; default now. */
  iat?: number;
}): string {
  const header = b64url(JSON.stringify({ alg: 'ES256', kid: opts.keyId }));
  const claims = b64url(JSON.stringify({ iss: opts.teamId, iat: opts.iat ?? Math.floor(Date.now() / 1000) }));
  const key =
    typeof opts.privateKeyPem === 'string' ? createPrivateKey(opts.privateKeyPem) : opts.privateKeyPem;
  const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' });
  return `${header}.${claims}.${b64url(signature)}`;
}

export type TokenCheck =
  | { ok: true; keyId: string; teamId: string; iat: number }
  | { ok: false; reason: 'MissingProviderToken' | 'InvalidProviderToken' | 'ExpiredProviderToken' };

interface TrustedKey {
  teamId: string;
  key: KeyObject;
}

/**
 * Verifies provider tokens against the registered public keys. A token's signature is checked once
 * and remembered (Apple's servers also cache them); its age is checked against `nowMs` every time.
 */
export class ProviderTokenVerifier {
  private readonly keys = new Map<string, TrustedKey>();
  private readonly verified = new Map<string, { keyId: string; teamId: string; iat: number }>();

  constructor(keys: ProviderKey[]) {
    for (const k of keys) this.addKey(k);
  }

  addKey(k: ProviderKey): void {
    this.keys.set(k.keyId, { teamId: k.teamId, key: createPublicKey(k.publicKeyPem) });
  }

  check(authorization: string | undefined, nowMs: number): TokenCheck {
    if (!authorization) return { ok: false, reason: 'MissingProviderToken' };
    const match = /^bearer\s+(\S+)$/i.exec(authorization.trim());
    if (!match) return { ok: false, reason: 'InvalidProviderToken' };
    const jwt = match[1]!;
    let claims = this.verified.get(jwt);
    if (!claims) {
      const parsed = this.verifySignature(jwt);
      if (!parsed) return { ok: false, reason: 'InvalidProviderToken' };
      claims = parsed;
      if (this.verified.size >= 1000) this.verified.clear();
      this.verified.set(jwt, claims);
    }
    const nowS = Math.floor(nowMs / 1000);
    if (claims.iat > nowS + TOKEN_FUTURE_SKEW_S) return { ok: false, reason: 'InvalidProviderToken' };
    if (nowS - claims.iat > TOKEN_MAX_AGE_S) return { ok: false, reason: 'ExpiredProviderToken' };
    return { ok: true, ...claims };
  }

  private verifySignature(jwt: string): { keyId: string; teamId: string; iat: number } | null {
    const parts = jwt.split('.');
    if (parts.length !== 3) return null;
    const [h, c, s] = parts as [string, string, string];
    let header: { alg?: unknown; kid?: unknown };
    let claims: { iss?: unknown; iat?: unknown };
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    } catch {
      return null;
    }
    if (header?.alg !== 'ES256' || typeof header.kid !== 'string') return null;
    if (typeof claims?.iss !== 'string' || typeof claims.iat !== 'number' || !Number.isInteger(claims.iat)) {
      return null;
    }
    const trusted = this.keys.get(header.kid);
    if (!trusted || trusted.teamId !== claims.iss) return null;
    const signature = Buffer.from(s, 'base64url');
    if (signature.length !== 64) return null;
    const ok = verify(
      'sha256',
      Buffer.from(`${h}.${c}`),
      { key: trusted.key, dsaEncoding: 'ieee-p1363' },
      signature,
    );
    return ok ? { keyId: header.kid, teamId: claims.iss, iat: claims.iat } : null;
  }
}
