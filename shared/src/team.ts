import { z } from 'zod';
import { entityId, epochMs } from './call';
import { displayName } from './names';

/**
 * Admins run the team (agents, staff, phones, the directory, server settings); agents place and
 * take calls and see the roster and history. Which request needs which role is `access.ts`.
 */
export const ROLES = ['admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/**
 * The shortest password a person may choose. Long enough that a few words make one, which is
 * easier to remember than a short jumble; the server also refuses the most common passwords.
 */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;

/** A console user as the Team screen shows one; never their password hash. */
export const agentEntrySchema = z.object({
  id: entityId,
  name: z.string().min(1).max(80),
  role: z.enum(ROLES),
  createdAt: epochMs,
  /** Set while the agent may not sign in; their sessions were ended when it was set. */
  disabledAt: epochMs.nullable(),
  /** Whether the agent has a console connected now. */
  online: z.boolean(),
});
export type AgentEntry = z.infer<typeof agentEntrySchema>;

/** Who the signed-in console is, sent on every (re)connect and again when an admin changes it. */
export const sessionStatusSchema = z.object({
  agentId: entityId,
  name: z.string(),
  role: z.enum(ROLES),
  /** An admin set the password (a new agent, a reset): the console asks for one of their own. */
  temporaryPassword: z.boolean(),
});
export type SessionStatus = z.infer<typeof sessionStatusSchema>;

/**
 * Sent to a console just before the server closes it for good (the agent was removed or
 * disabled): the console signs out with this reason instead of trying to reconnect.
 */
export const sessionEndedSchema = z.object({ reason: z.string().max(300) });

/**
 * The team changed (an agent added, changed, reset, removed, or their console came or went). A
 * hint without data, sent to every console: an admin's Team screen refetches with `team:get`,
 * which checks who asks, so nothing an agent may not see travels in the broadcast.
 */
export const teamChangedSchema = z.object({});

/**
 * What the audit trail records. The part before the dot is what was changed (the team, the
 * staff, their phones, the directory); the console groups and words them from this list.
 */
export const AUDIT_ACTIONS = [
  'agent.added',
  'agent.role_changed',
  'agent.disabled',
  'agent.enabled',
  'agent.password_reset',
  'agent.password_changed',
  'agent.removed',
  'staff.added',
  'staff.changed',
  'staff.removed',
  'phone.pairing_started',
  'phone.paired',
  'phone.unpaired',
  'directory.replaced',
  /** Issue 24: the admins' list of dispositions, and the callbacks queue. */
  'disposition.changed',
  'callback.claimed',
  'callback.released',
  'callback.closed',
] as const;

/** What the audit trail's filter can ask for: each action's prefix. */
export const AUDIT_SUBJECTS = ['agent', 'staff', 'phone', 'directory', 'disposition', 'callback'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const auditEntrySchema = z.object({
  id: entityId,
  at: epochMs,
  /** Null when the change came from the server's command line, not a signed-in agent. */
  actorId: entityId.nullable(),
  /** As the actor was named then: the trail outlives renamed and removed agents. */
  actorName: z.string().max(80),
  action: z.enum(AUDIT_ACTIONS),
  targetId: z.string().max(64).nullable(),
  targetName: z.string().max(120).nullable(),
  /** What changed, in words (a new role, a new name, a count of entries). */
  detail: z.string().max(300).nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** Length only; the server's check against common passwords says the rest. */
export const newPasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password needs at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `a password has at most ${PASSWORD_MAX_LENGTH} characters`);

/** One of an agent's own sessions, as their account dialog lists it. */
export const sessionEntrySchema = z.object({
  /** Names the session in the list; not its token, nor enough of its hash to find one. */
  id: z.string().max(32),
  createdAt: epochMs,
  expiresAt: epochMs,
  /** The session this console uses. */
  current: z.boolean(),
});
export type SessionEntry = z.infer<typeof sessionEntrySchema>;

export const teamRequests = {
  'team:get': z.object({}),
  /** The server makes the first password and answers with it once; the agent changes it later. */
  'agent:create': z.object({ name: displayName(80), role: z.enum(ROLES).default('agent') }),
  'agent:update': z
    .object({ agentId: entityId, role: z.enum(ROLES).optional(), disabled: z.boolean().optional() })
    .refine((r) => r.role !== undefined || r.disabled !== undefined, {
      message: 'give a role, disabled, or both',
    }),
  /** A new one-time password for the agent; their open consoles are signed out. */
  'password:reset': z.object({ agentId: entityId }),
  'agent:remove': z.object({ agentId: entityId }),
  /** Any agent, for their own password: the current one proves it is them at the keyboard. */
  'password:change': z.object({
    current: z.string().min(1).max(PASSWORD_MAX_LENGTH),
    next: newPasswordSchema,
  }),
  /** Any agent, their own sessions: where they are signed in now. */
  'session:list': z.object({}),
  /** Any agent: every session of theirs but this console's ends (a lost laptop, a shared browser). */
  'session:end-others': z.object({}),
  'audit:query': z.object({
    /** Only actions on this kind of thing (`agent`, `staff`, `phone`, `directory`…). */
    subject: z.enum(AUDIT_SUBJECTS).optional(),
    cursor: z.string().max(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  }),
} as const;

/** A new agent's or a reset password, shown once to the admin who asked. */
const oneTimePassword = z.object({ agent: agentEntrySchema, password: z.string() });

export const teamAcks = {
  'team:get': z.object({ agents: z.array(agentEntrySchema) }),
  'agent:create': oneTimePassword,
  'agent:update': agentEntrySchema,
  'password:reset': oneTimePassword,
  'agent:remove': z.object({ agentId: entityId }),
  'password:change': z.null(),
  'session:list': z.object({ sessions: z.array(sessionEntrySchema) }),
  'session:end-others': z.object({ ended: z.number().int().nonnegative() }),
  'audit:query': z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable() }),
} as const satisfies { [K in keyof typeof teamRequests]: z.ZodType };

/** What the audit trail's `subject` filter matches: the action's prefix. */
export type AuditSubject = NonNullable<z.infer<(typeof teamRequests)['audit:query']>['subject']>;
export const auditSubject = (action: AuditAction): AuditSubject => action.split('.')[0] as AuditSubject;
