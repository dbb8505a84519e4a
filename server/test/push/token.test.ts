import { describe, expect, it } from 'vitest';
import { generateProviderKey, ProviderTokenVerifier } from '../../../tools/apns-emulator/src';
import { ProviderToken, TOKEN_REFRESH_MS } from '../../src/push/token';

const claims = (authorization: string) =>
  JSON.parse(Buffer.from(authorization.split('.')[1]!, 'base64url').toString('utf8')) as {
    iss: string;
    iat: number;
  };

describe('ProviderToken', () => {
  const key = generateProviderKey();
  const creds = { keyPem: key.privateKeyPem, keyId: key.keyId, teamId: key.teamId };

  it('signs an ES256 token APNs accepts: kid, iss, iat from the wall clock', () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 0, 500);
    const token = new ProviderToken(creds, () => now);
    const authorization = token.authorization();
    expect(authorization).toMatch(/^bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    expect(claims(authorization)).toEqual({ iss: key.teamId, iat: Math.floor(now / 1000) });
    const verifier = new ProviderTokenVerifier([key]);
    expect(verifier.check(authorization, now)).toMatchObject({
      ok: true,
      keyId: key.keyId,
      teamId: key.teamId,
    });
  });

  it('keeps one token for 50 minutes, then signs a new one (Apple: at most hourly, at least 20 min apart)', () => {
    let now = Date.UTC(2030, 0, 1);
    const token = new ProviderToken(creds, () => now);
    const first = token.authorization();
    now += TOKEN_REFRESH_MS - 1;
    expect(token.authorization()).toBe(first);
    now += 1;
    const second = token.authorization();
    expect(second).not.toBe(first);
    expect(claims(second).iat).toBe(Math.floor(now / 1000));
    expect(TOKEN_REFRESH_MS).toBeGreaterThanOrEqual(20 * 60_000);
    expect(TOKEN_REFRESH_MS).toBeLessThan(60 * 60_000);
  });
});
