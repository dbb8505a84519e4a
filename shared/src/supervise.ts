import { z } from 'zod';
import { callId, callSchema, entityId, epochMs } from './call';

/**
 * Supervisors listen, coach and barge (issue 26 item 5). An admin chooses a live, answered call
 * on the Live board; the call's agent's console (its softphone) mixes the phone's audio and its
 * own microphone into a stream for the supervisor over a second peer connection, signaled by the
 * server between the two consoles only (`supervise:signal`, with `supervise:ice`: events.ts). Voice stays peer to peer: there is
 * no media server to mix it.
 *
 * - `listen`: the supervisor hears both sides; nobody hears the supervisor.
 * - `coach`: the agent hears the supervisor too; the phone does not.
 * - `barge`: the agent's console mixes the supervisor's voice into what it sends the phone, after
 *   a short tone that tells the phone's user someone joined.
 *
 * One supervisor per call at a time. The agent is always told who listens: there is no silent
 * monitoring.
 */
export const SUPERVISE_MODES = ['listen', 'coach', 'barge'] as const;
export type SuperviseMode = (typeof SUPERVISE_MODES)[number];

/** Why a supervision ended, for the notice both consoles show. */
export const SUPERVISION_END_REASONS = [
  /** The supervisor stopped. */
  'stopped',
  /** The call ended. */
  'callEnded',
  /** The call went to another agent (a transfer): the new agent did not agree to this one. */
  'transferred',
  /** The supervisor's console (their softphone) closed. */
  'supervisorLeft',
] as const;
export type SupervisionEndReason = (typeof SUPERVISION_END_REASONS)[number];

export const supervisionSchema = z.object({
  callId,
  /** The call's agent, whose console mixes and offers. */
  agentId: entityId,
  supervisorId: entityId,
  supervisorName: z.string().max(80),
  mode: z.enum(SUPERVISE_MODES),
  since: epochMs,
});
export type Supervision = z.infer<typeof supervisionSchema>;

/**
 * To the call's agent and the supervisor, on every change and on connect: `supervision` null when
 * none goes on (then `ended` says why the last one stopped).
 */
export const supervisionChangedSchema = z.object({
  callId,
  supervision: supervisionSchema.nullable(),
  ended: z
    .object({
      supervisorId: entityId,
      supervisorName: z.string().max(80),
      reason: z.enum(SUPERVISION_END_REASONS),
    })
    .optional(),
});
export type SupervisionChanged = z.infer<typeof supervisionChangedSchema>;

const callRef = z.object({ callId });

export const superviseRequests = {
  /** The Live board: every live, answered call, and who supervises which. */
  'supervise:live': z.object({}),
  'supervise:start': z.object({ callId, mode: z.enum(SUPERVISE_MODES) }),
  'supervise:mode': z.object({ callId, mode: z.enum(SUPERVISE_MODES) }),
  'supervise:stop': callRef,
} as const;

export const liveBoardSchema = z.object({
  calls: z.array(callSchema),
  supervisions: z.array(supervisionSchema),
});
export type LiveBoard = z.infer<typeof liveBoardSchema>;

export const superviseAcks = {
  'supervise:live': liveBoardSchema,
  'supervise:start': supervisionSchema,
  'supervise:mode': supervisionSchema,
  'supervise:stop': z.null(),
} as const satisfies { [K in keyof typeof superviseRequests]: z.ZodType };

export const superviseBroadcasts = {
  'supervise:changed': supervisionChangedSchema,
  /** A hint without data to admins' consoles: a call became live and answered, or ended; refetch. */
  'live:changed': z.object({}),
} as const;
