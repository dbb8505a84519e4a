import { z } from 'zod';
import { callId, callSchema, entityId, epochMs } from './call';

/**
 * Callbacks (issue 24 item 4): an inbound call nobody answered (no agent was Available, none took
 * it, or the caller gave up while it rang) queues a callback to the staff member who called, one
 * per person: calling again while one is open counts another missed call on it. An agent claims
 * it (only one can), calls back, and it closes when a call back from that agent is answered, or
 * by hand with a reason.
 */

export const CALLBACK_STATES = ['open', 'closed'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

export const CALLBACK_REASON_MAX = 200;

export const callbackSchema = z.object({
  id: entityId,
  staffId: entityId,
  /** The staff member as named when the callback last changed (they may since be removed). */
  staffName: z.string().max(120),
  state: z.enum(CALLBACK_STATES),
  /** The unanswered calls it stands for: how many, the first and the latest. */
  missedCalls: z.number().int().positive(),
  firstCallAt: epochMs,
  lastCallAt: epochMs,
  lastCallId: callId,
  /** Calls back tried so far, and the latest one. */
  attempts: z.number().int().nonnegative(),
  lastAttemptAt: epochMs.nullable(),
  claimedBy: entityId.nullable(),
  claimedByName: z.string().max(80).nullable(),
  claimedAt: epochMs.nullable(),
  closedAt: epochMs.nullable(),
  closedBy: entityId.nullable(),
  /** `answered` when a call back was answered; otherwise what the agent wrote. */
  closeReason: z.string().max(CALLBACK_REASON_MAX).nullable(),
});
export type Callback = z.infer<typeof callbackSchema>;

/** What closes a callback by itself: a call back that was answered, */
export const CALLBACK_ANSWERED = 'answered';
/** or the staff member calling in again and an agent answering. */
export const CALLBACK_GOT_THROUGH = 'the caller got through';

const ref = z.object({ callbackId: entityId });
const list = z.object({ callbacks: z.array(callbackSchema) });

export const callbackRequests = {
  /** Every open callback, oldest first: the shared queue. */
  'callbacks:list': z.object({}),
  /** Takes an open, unclaimed callback: no one else may call back or close it (admins may close). */
  'callback:claim': ref,
  /** Gives a claimed callback back to the queue: the claimer, or an admin. */
  'callback:release': ref,
  /** Calls the staff member back (the claimer only): a call as `call:place` makes it. */
  'callback:call': ref,
  /** Closes it by hand: the claimer (or anyone, when unclaimed); another's, only an admin. */
  'callback:close': z.object({
    callbackId: entityId,
    reason: z.string().trim().min(1).max(CALLBACK_REASON_MAX),
  }),
} as const;

export const callbackAcks = {
  'callbacks:list': list,
  'callback:claim': callbackSchema,
  'callback:release': callbackSchema,
  /** The callback with this try counted, and the call (as `call:place` answers it). */
  'callback:call': z.object({ callback: callbackSchema, call: callSchema }),
  'callback:close': callbackSchema,
} as const satisfies { [K in keyof typeof callbackRequests]: z.ZodType };

export const callbackBroadcasts = {
  /** Callbacks queued, claimed, released, tried or closed (a closed one leaves the queue). */
  'callbacks:changed': list,
} as const;
