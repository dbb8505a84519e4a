import { createPrivateKey, type KeyObject, sign } from 'node:crypto';

/**
 * Apple refuses a provider token older than an hour and answers TooManyProviderTokenUpdates to one
 * renewed more often than every 20 minutes: a token is used for 50.
 */
export const TOKEN_REFRESH_MS = 50 * 60_000;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/**
 * The `authorization` header of every push: an ES256 JWT (`kid` header, `iss` and `iat` claims)
 * signed with the team's .p8 key, made once and renewed when it is 50 minutes old. Its age is read
 * from the wall clock (`now`, Date.now by default), not the gateway's injected clock: APNs checks
 * `iat` against its own wall clock, and tests move the injected one freely.
 */
export class ProviderToken {
  private readonly key: KeyObject;
  private header = '';
  private issuedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly creds: { keyPem: string; keyId: string; teamId: string },
    private readonly now: () => number = Date.now,
  ) {
    this.key = createPrivateKey(creds.keyPem);
  }

  /** `bearer <jwt>`, renewed first when the one held is 50 minutes old. */
  authorization(): string {
    const now = this.now();
    if (now - this.issuedAt >= TOKEN_REFRESH_MS) {
      this.header = `bearer ${this.sign(Math.floor(now / 1000))}`;
      this.issuedAt = now;
    }
    return this.header;
  }

  private sign(iat: number): string {
    const head = b64url(JSON.stringify({ alg: 'ES256', kid: this.creds.keyId }));
    const claims = b64url(JSON.stringify({ iss: this.creds.teamId, iat }));
    const signature = sign('sha256', Buffer.from(`${head}.${claims}`), {
      key: this.key,
      dsaEncoding: 'ieee-p1363',
    });
    return `${head}.${claims}.${b64url(signature)}`;
  }
}
