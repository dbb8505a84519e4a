import type { AgentAvailability } from '#shared';
import type { ConsoleSlice } from '../../store/store';

/** Every agent's availability as the server last said, by agent id. */
export interface AvailabilityData {
  /** Empty until the first snapshot after sign-in. */
  agents: Record<string, AgentAvailability>;
}

export interface AvailabilitySlice extends AvailabilityData {
  availabilitySnapshot(agents: AgentAvailability[]): void;
  availabilityChanged(agents: AgentAvailability[]): void;
}

export const availabilityData = (): AvailabilityData => ({ agents: {} });

/**
 * Changes from different server nodes may cross on the way; a state's `since` only moves forward,
 * so an entry older than the one held is a late one and is dropped.
 */
const newer = (held: AgentAvailability | undefined, next: AgentAvailability) =>
  held === undefined || next.since >= held.since;

export const createAvailabilitySlice: ConsoleSlice<AvailabilitySlice> = (set) => ({
  ...availabilityData(),
  availabilitySnapshot: (agents) => set({ agents: Object.fromEntries(agents.map((a) => [a.agentId, a])) }),
  availabilityChanged: (changed) =>
    set((s) => {
      const agents = { ...s.agents };
      for (const a of changed) if (newer(agents[a.agentId], a)) agents[a.agentId] = a;
      return { agents };
    }),
});
