import { randomUUID } from 'node:crypto';
import {
  type AgentAckData,
  type AgentEntry,
  type agentRequests,
  ERROR_CODES,
  type SessionStatus,
  type teamRequests,
} from '#shared';
import { newOneTimePassword } from '../auth/passwords/one-time';
import { passwordProblem } from '../auth/passwords/rules';
import { hashPassword, verifyPassword } from '../auth/secrets';
import type { SessionAuth } from '../auth/session-auth';
import type { Backoff, SignInLimits } from '../auth/sign-in-limits';
import { AppError, badRequest, notFound } from '../errors';
import {
  type AgentRow,
  InvalidCursorError,
  LastAdminError,
  type Storage,
  StorageConflictError,
} from '../storage/types';
import { type Actor, type AuditLog, toAuditEntry } from '../team/audit';
import type { Hub } from './hub';
import type { Handlers } from './requests';

export interface TeamContext {
  storage: Storage;
  clock: { now(): number };
  hub: Hub;
  /** Told of every change to someone's access, so their open consoles everywhere close at once. */
  auth: SessionAuth;
  audit: AuditLog;
  /**
   * Wrong current passwords on `password:change`, per agent: a stolen session must not become a
   * way round the sign-in backoff to guess the password itself.
   */
  passwordGuesses: Backoff;
  /** An admin's password reset also ends the agent's sign-in backoff across addresses. */
  signInLimits: SignInLimits;
}

const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

type TeamHandlers = Pick<Handlers<typeof agentRequests, AgentAckData>, keyof typeof teamRequests>;

export const sessionStatusOf = (agent: AgentRow): SessionStatus => ({
  agentId: agent.id,
  name: agent.name,
  role: agent.role,
  temporaryPassword: agent.temporaryPassword,
});

/**
 * The Team screen's requests (admins only, but `password:change`: see shared/src/access.ts). An
 * agent who is removed, disabled or given a new password is signed out at once, open consoles
 * included; a new role reaches their open consoles as `session:status`. Every change is hinted to
 * all consoles as `team:changed` (no data), so open Team screens refetch.
 */
export function teamHandlers(ctx: TeamContext, agentId: string, tokenHash: string): TeamHandlers {
  const h = teamHelpers(ctx, agentId);
  return {
    ...manageAgents(ctx, agentId, h),
    ...ownPassword(ctx, agentId, tokenHash, h),
    ...ownSessions(ctx, agentId, tokenHash),
    ...auditTrail(ctx),
  };
}

/** What the handlers share: who is asking, how an agent is shown, how one is signed out. */
function teamHelpers(ctx: TeamContext, agentId: string) {
  const { storage } = ctx;
  const me = async (): Promise<Actor & { row: AgentRow }> => {
    const row = await storage.agents.findById(agentId);
    if (!row) throw new AppError(ERROR_CODES.UNAUTHORIZED, 'your agent no longer exists; sign in again');
    return { id: row.id, name: row.name, row };
  };
  const entry = (row: AgentRow): AgentEntry => ({
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: row.createdAt,
    disabledAt: row.disabledAt,
    online: ctx.hub.onlineAgentIds().includes(row.id),
  });
  const target = async (id: string) => {
    const row = await storage.agents.findById(id);
    if (!row) throw notFound('agent');
    return row;
  };
  /** Signs an agent out everywhere now (their sessions are gone), telling their consoles why. */
  const signOut = (id: string, reason: string) => ctx.auth.changed({ agentId: id }, reason);
  return { me, entry, target, signOut };
}

type Helpers = ReturnType<typeof teamHelpers>;

/** The admin's side: the team's list, adding, changing, resetting and removing agents. */
function manageAgents(ctx: TeamContext, agentId: string, { me, entry, target, signOut }: Helpers) {
  const { storage, audit } = ctx;
  const teamChanged = () => ctx.hub.toAgents('team:changed', {});
  return {
    'team:get': async () => ({
      agents: (await storage.agents.list()).map(entry).sort((a, b) => byName.compare(a.name, b.name)),
    }),

    'agent:create': async ({ name, role }) => {
      const actor = await me();
      const password = newOneTimePassword();
      const id = randomUUID();
      try {
        await storage.agents.create({
          id,
          name,
          role,
          passwordHash: await hashPassword(password),
          createdAt: ctx.clock.now(),
          temporaryPassword: true,
        });
      } catch (e) {
        if (e instanceof StorageConflictError) throw new AppError(ERROR_CODES.CONFLICT, e.message);
        throw e;
      }
      await audit.record(actor, 'agent.added', { id, name }, `as ${role}`);
      teamChanged();
      return { agent: entry(await target(id)), password };
    },

    'agent:update': async ({ agentId: id, role, disabled }) => {
      const actor = await me();
      const before = await target(id);
      if (id === agentId && disabled) {
        throw new AppError(ERROR_CODES.CONFLICT, 'you cannot disable yourself; ask another admin');
      }
      const after = await guardLastAdmin(() =>
        storage.agents.update(id, {
          ...(role !== undefined ? { role } : {}),
          ...(disabled !== undefined
            ? { disabledAt: disabled ? (before.disabledAt ?? ctx.clock.now()) : null }
            : {}),
        }),
      );
      if (!after) throw notFound('agent');
      const who = { id, name: after.name };
      if (role !== undefined && role !== before.role) {
        await audit.record(actor, 'agent.role_changed', who, `${before.role} → ${role}`);
        // Every node's memory of the agent's sessions takes the new role before the next request.
        await ctx.auth.changed({ agentId: id });
        ctx.hub.toAgent(id, 'session:status', sessionStatusOf(after));
      }
      if (disabled === true && before.disabledAt === null) {
        await audit.record(actor, 'agent.disabled', who);
        await signOut(id, `${actor.name} disabled your agent; ask an admin to enable it again.`);
      }
      if (disabled === false && before.disabledAt !== null) await audit.record(actor, 'agent.enabled', who);
      teamChanged();
      return entry(after);
    },

    'password:reset': async ({ agentId: id }) => {
      const actor = await me();
      const row = await target(id);
      const password = newOneTimePassword();
      await storage.agents.setPassword(id, { hash: await hashPassword(password), temporary: true }, null);
      await audit.record(actor, 'agent.password_reset', { id, name: row.name });
      await ctx.signInLimits.clearAccount(row.name.toLowerCase());
      await signOut(id, `${actor.name} reset your password; sign in with the one they give you.`);
      teamChanged();
      return { agent: entry(await target(id)), password };
    },

    'agent:remove': async ({ agentId: id }) => {
      const actor = await me();
      if (id === agentId)
        throw new AppError(ERROR_CODES.CONFLICT, 'you cannot remove yourself; ask another admin');
      const row = await target(id);
      if (!(await guardLastAdmin(() => storage.agents.remove(id)))) throw notFound('agent');
      await audit.record(actor, 'agent.removed', { id, name: row.name }, `was ${row.role}`);
      await signOut(id, `${actor.name} removed your agent from the team.`);
      teamChanged();
      return { agentId: id };
    },
  } satisfies Partial<TeamHandlers>;
}

/** Anyone's own password: the current one checked (with a backoff), the others signed out. */
function ownPassword(ctx: TeamContext, agentId: string, tokenHash: string, { me }: Helpers) {
  const { storage, audit } = ctx;
  return {
    'password:change': async ({ current, next }) => {
      const actor = await me();
      await ctx.passwordGuesses.admit(agentId, 'too many wrong current passwords');
      if (!(await verifyPassword(current, actor.row.passwordHash))) {
        await ctx.passwordGuesses.failed(agentId);
        throw new AppError(ERROR_CODES.UNAUTHORIZED, 'your current password is not right');
      }
      await ctx.passwordGuesses.clear(agentId);
      const problem = passwordProblem(next, actor.name);
      if (problem) throw badRequest(problem);
      if (await verifyPassword(next, actor.row.passwordHash)) {
        throw badRequest('the new password is the one you have now; choose another');
      }
      // This console stays signed in; every other session of the agent ends.
      await storage.agents.setPassword(
        agentId,
        { hash: await hashPassword(next), temporary: false },
        tokenHash,
      );
      // This console's session was kept; the others are gone and close with the reason.
      await ctx.auth.changed(
        { agentId },
        'Your password was changed from another console; sign in with the new one.',
      );
      await audit.record(actor, 'agent.password_changed', { id: agentId, name: actor.name });
      ctx.hub.toAgent(agentId, 'session:status', sessionStatusOf({ ...actor.row, temporaryPassword: false }));
      ctx.hub.toAgents('team:changed', {});
      return null;
    },
  } satisfies Partial<TeamHandlers>;
}

/** Anyone's own sessions: where they are signed in, and signing out everywhere else. */
function ownSessions(ctx: TeamContext, agentId: string, tokenHash: string) {
  const { storage } = ctx;
  return {
    'session:list': async () => {
      const now = ctx.clock.now();
      const sessions = (await storage.sessions.listByAgent(agentId))
        .filter((s) => s.expiresAt > now)
        .map((s) => ({
          // A prefix of the hash names the row: it cannot be turned back into the token, nor used as one.
          id: s.tokenHash.slice(0, 12),
          createdAt: s.createdAt,
          expiresAt: s.expiresAt,
          current: s.tokenHash === tokenHash,
        }));
      return { sessions };
    },
    'session:end-others': async () => {
      const ended = await storage.sessions.removeOthers(agentId, tokenHash);
      await ctx.auth.changed({ agentId }, 'You signed out of this console from another one of yours.');
      return { ended };
    },
  } satisfies Partial<TeamHandlers>;
}

/** The audit trail, newest first, a page at a time. */
function auditTrail(ctx: TeamContext) {
  const { storage } = ctx;
  return {
    'audit:query': async ({ subject, cursor, limit }) => {
      try {
        const page = await storage.audit.query({ subject }, { cursor, limit });
        return { entries: page.entries.map(toAuditEntry), nextCursor: page.nextCursor };
      } catch (e) {
        if (e instanceof InvalidCursorError)
          throw badRequest('the audit cursor is not valid; start again without one');
        throw e;
      }
    },
  } satisfies Partial<TeamHandlers>;
}

async function guardLastAdmin<T>(change: () => Promise<T>): Promise<T> {
  try {
    return await change();
  } catch (e) {
    if (e instanceof LastAdminError) throw new AppError(ERROR_CODES.CONFLICT, e.message);
    throw e;
  }
}
