import { z } from 'zod';
import { callId, callSchema, entityId } from './call';
import { TRANSFER_KINDS } from './transfer';

/**
 * The transfer requests of the `/agent` namespace (transfer.ts says what each does). The first
 * agent starts, completes and cancels; the chosen agent accepts or declines. The consultation's
 * media between the two consoles is `consult:signal` (events.ts), its ICE servers `rtc:ice`.
 */
const callRef = z.object({ callId });

export const transferRequests = {
  /** Who this call may be handed to now: the server's one rule (available, not in a call). */
  'transfer:targets': callRef,
  'transfer:start': z.object({ callId, toAgentId: entityId, kind: z.enum(TRANSFER_KINDS) }),
  'transfer:accept': callRef,
  'transfer:decline': callRef,
  'transfer:complete': callRef,
  'transfer:cancel': callRef,
} as const;

export const transferTargetSchema = z.object({ agentId: entityId, name: z.string().max(80) });
export type TransferTarget = z.infer<typeof transferTargetSchema>;

export const transferAcks = {
  'transfer:targets': z.object({ agents: z.array(transferTargetSchema) }),
  'transfer:start': callSchema,
  'transfer:accept': callSchema,
  'transfer:decline': callSchema,
  'transfer:complete': callSchema,
  'transfer:cancel': callSchema,
} as const satisfies { [K in keyof typeof transferRequests]: z.ZodType };
