import type { Clock } from '#shared';
import { ERROR_CODES } from '#shared';
import { AppError } from '../errors';
import type { AgentRow, Storage } from '../storage/types';
import { hashPassword, hashSecret, newSecret, verifyPassword } from './secrets';
import type { Actor } from './session-auth';
import type { SignInLimits } from './sign-in-limits';

export type PasswordVerifier = (password: string, stored: string) => Promise<boolean>;

export interface SignedIn {
  token: string;
  agentId: string;
  name: string;
  role: AgentRow['role'];
  expiresAt: number;
}

/**
 * `POST /api/login`. Tries are slowed by SignInLimits (wrong passwords only, never a lock-out of a
 * named user). An unknown name costs the same scrypt as a wrong password (a dummy hash made with
 * the same parameters), so the answer's timing does not tell which names exist.
 */
export class LoginService {
  private readonly verify: PasswordVerifier;
  private readonly dummyHash: Promise<string>;

  constructor(
    private readonly o: {
      storage: Storage;
      clock: Clock;
      sessionTtlMs: number;
      limits: SignInLimits;
      verify?: PasswordVerifier;
    },
  ) {
    this.verify = o.verify ?? verifyPassword;
    // Made once, up front, so the first unknown name does not pay for hashing as well.
    this.dummyHash = hashPassword(newSecret());
    this.dummyHash.catch(() => undefined);
  }

  /**
   * `holder`: the live session the request came with, if any. One of this agent's own (a second
   * console signing in) is trusted past the backoffs, and its success clears them.
   */
  async signIn(
    name: string,
    password: string,
    address: string,
    holder: Actor | null = null,
  ): Promise<SignedIn> {
    const account = name.toLowerCase();
    await this.o.limits.admit(account, address, holder?.name.toLowerCase() === account);
    const agent = await this.o.storage.agents.findByName(name);
    const matches = await this.verify(password, agent?.passwordHash ?? (await this.dummyHash));
    if (!agent || !matches) {
      await this.o.limits.failed(account, address);
      throw new AppError(ERROR_CODES.UNAUTHORIZED, 'wrong name or password');
    }
    await this.o.limits.succeeded(account, address);
    // Said only to whoever knows the password: a guesser learns nothing about disabled agents.
    if (agent.disabledAt !== null) {
      throw new AppError(
        ERROR_CODES.FORBIDDEN,
        'this agent is disabled; ask an admin of your team to enable it',
      );
    }
    const token = newSecret();
    const now = this.o.clock.now();
    const expiresAt = now + this.o.sessionTtlMs;
    await this.o.storage.sessions.create({
      tokenHash: hashSecret(token),
      agentId: agent.id,
      createdAt: now,
      expiresAt,
    });
    return { token, agentId: agent.id, name: agent.name, role: agent.role, expiresAt };
  }
}
