import { z } from 'zod';

/**
 * A transfer as the call record holds it (call.ts stores them; transfer.ts has their rules): apart
 * from those rules so that the call's schema and the rules, which read calls, need not import
 * each other.
 */

export const TRANSFER_KINDS = ['blind', 'warm'] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/** `ringing` and `consulting` are live; the others say how the transfer ended. */
export const TRANSFER_STATES = [
  'ringing',
  'consulting',
  'completed',
  'declined',
  'missed',
  'cancelled',
] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

const agentId = z.string().min(1).max(64);

export const transferSchema = z.object({
  kind: z.enum(TRANSFER_KINDS),
  fromAgentId: agentId,
  toAgentId: agentId,
  /** The agents' names when it happened: history still names an agent removed since. */
  fromName: z.string().max(80),
  toName: z.string().max(80),
  state: z.enum(TRANSFER_STATES),
  startedAt: z.number().int().nonnegative(),
  /** The chosen agent's console rings until then. */
  ringUntil: z.number().int().nonnegative(),
  /** When the chosen agent accepted (a blind transfer completes then, a warm one starts consulting). */
  acceptedAt: z.number().int().nonnegative().nullable(),
  endedAt: z.number().int().nonnegative().nullable(),
  /** Why a transfer that did not complete ended, in words ("the call ended", "Bob went away"). */
  detail: z.string().max(200).nullable(),
});
export type Transfer = z.infer<typeof transferSchema>;

/** A call bounced between agents this often is refused another transfer. */
export const MAX_TRANSFERS = 20;
