import type { AgentServerEvents, DeviceServerEvents, EndReason } from '#shared';

/**
 * How the call service reaches connected clients. The Socket.IO gateways implement it; the
 * service never touches a socket, so its rules can be read without the transport.
 */
export interface Notifier {
  toAgents<E extends keyof AgentServerEvents>(event: E, ...args: Parameters<AgentServerEvents[E]>): void;
  toAgent<E extends keyof AgentServerEvents>(
    agentId: string,
    event: E,
    ...args: Parameters<AgentServerEvents[E]>
  ): void;
  toDevice<E extends keyof DeviceServerEvents>(
    deviceId: string,
    event: E,
    ...args: Parameters<DeviceServerEvents[E]>
  ): void;
}

/** Who is connected right now. */
export interface Presence {
  isDeviceOnline(deviceId: string): boolean;
  onlineAgentIds(): string[];
}

/** A party to calls: a console (its agent) or a phone. */
export type Party = { agentId: string } | { deviceId: string };

/**
 * Cluster mode: the call service's timers kept in PostgreSQL, so that they outlive the node that
 * set them (cluster/wire.ts fires them on whichever node is alive).
 */
export interface DurableTimers {
  /** A party's reconnect grace runs until `dueAt` (server clock); then any node ends its calls. */
  graceStarted(party: Party, dueAt: number): Promise<void>;
  /** The party is back (on any node): its grace is over. */
  graceEnded(party: Party): Promise<void>;
  /** Written before the call's end is: if this node dies before APNs took a cancel, another sends it. */
  cancelsPending(callId: string, cancels: { deviceId: string; reason: EndReason }[]): Promise<void>;
  /** APNs took the cancel, or gave its last word on it. */
  cancelDone(callId: string, deviceId: string): Promise<void>;
}
