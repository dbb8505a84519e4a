import { z } from 'zod';
import { entityId, epochMs } from './call';

/**
 * An agent's availability, as every console's top bar and Team presence strip show it (issue 24
 * item 1). `busy` is the server's word (the agent is in a call); `afterCall` follows a call for the
 * server's after-call work time; `available` and `away` are what an agent chooses. Inbound calls
 * from phones ring only `available` agents.
 */
export const AGENT_STATES = ['available', 'busy', 'afterCall', 'away'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** What an agent may choose with one click; the other two are set by calls. */
export const CHOSEN_STATES = ['available', 'away'] as const;
export type ChosenState = (typeof CHOSEN_STATES)[number];

export const agentAvailabilitySchema = z.object({
  agentId: entityId,
  name: z.string().min(1).max(80),
  state: z.enum(AGENT_STATES),
  /** Since when the agent is in this state (epoch ms). */
  since: epochMs,
  /** After-call work ends by itself at this time; null in every other state. */
  until: epochMs.nullable(),
  /** Whether a console of the agent is connected now (an Away agent may still be signed in). */
  online: z.boolean(),
});
export type AgentAvailability = z.infer<typeof agentAvailabilitySchema>;

export const availabilitySnapshotSchema = z.object({ agents: z.array(agentAvailabilitySchema) });
/** Only the agents whose availability changed. */
export const availabilityChangedSchema = z.object({ agents: z.array(agentAvailabilitySchema) });

export const availabilityRequests = {
  /** The agent's own choice: Available (also ends after-call work early) or Away. */
  'availability:set': z.object({ state: z.enum(CHOSEN_STATES) }),
} as const;

export const availabilityAcks = {
  'availability:set': agentAvailabilitySchema,
} as const satisfies { [K in keyof typeof availabilityRequests]: z.ZodType };

export const availabilityBroadcasts = {
  /** Every agent, on each (re)connect and when the team changed. */
  'availability:snapshot': availabilitySnapshotSchema,
  'availability:changed': availabilityChangedSchema,
} as const;

/** The words every console uses for a state. */
export const AGENT_STATE_LABELS: Record<AgentState, string> = {
  available: 'Available',
  busy: 'Busy',
  afterCall: 'After-call work',
  away: 'Away',
};
