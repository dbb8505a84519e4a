import type { AgentServerEvents, DeviceServerEvents } from '#shared';

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
