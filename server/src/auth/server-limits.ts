import { type LimitStore, limiterFactory } from './limits';
import { Backoff, FREE_FAILURES, SignInLimits } from './sign-in-limits';

/**
 * Every limit of the server on one store (limits.ts): sign-in (sign-in-limits.ts), wrong current
 * passwords on `password:change`, and wrong pairing codes (pairing.ts). Socket requests are
 * counted apart, in memory (rate-limit.ts).
 */
export async function serverLimits(store: LimitStore, o: { signInAddressLimit: number }) {
  const make = await limiterFactory(store);
  return {
    signIn: new SignInLimits(make, { addressFailures: o.signInAddressLimit }),
    passwordGuesses: new Backoff(make, 'password_change', FREE_FAILURES),
    // Wrong pairing codes: 10 a minute from one address, 100 in 100 s from all (pairing.ts says why).
    pairing: {
      perAddress: make({ name: 'pairing_address', points: 10, durationSec: 60 }),
      overall: make({ name: 'pairing_all', points: 100, durationSec: 100 }),
    },
  };
}

export type ServerLimits = Awaited<ReturnType<typeof serverLimits>>;
