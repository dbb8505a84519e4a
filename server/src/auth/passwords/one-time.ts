import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A first (or reset) password that an admin passes on once: 15 Crockford characters in three
 * groups (75 bits; a guesser also meets the sign-in backoff), nothing to misread when read out.
 * The agent is then asked to choose their own.
 */
export function newOneTimePassword(): string {
  const chars = [...randomBytes(15)].map((b) => CROCKFORD[b & 31]).join('');
  return `${chars.slice(0, 5)}-${chars.slice(5, 10)}-${chars.slice(10)}`;
}
