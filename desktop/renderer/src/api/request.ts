import type { Socket } from 'socket.io-client';
import type { z } from 'zod';
import {
  type Ack,
  type AgentAckData,
  type AgentClientEvents,
  type AgentRequestName,
  type AgentServerEvents,
  type agentRequests,
  request as sharedRequest,
} from '#shared';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
export type RequestPayload<E extends AgentRequestName> = z.input<(typeof agentRequests)[E]>;

/**
 * One request, one ack, through the shared helper (the only place a client emits with an ack). A
 * lost ack resolves to UNAVAILABLE instead of rejecting, so every caller handles failure the same
 * way it handles a refusal. Asked while disconnected, it answers at once instead of waiting.
 */
export function request<E extends AgentRequestName>(
  socket: AgentSocket,
  event: E,
  payload: RequestPayload<E>,
  opts: { timeoutMs?: number } = {},
): Promise<Ack<AgentAckData[E]>> {
  if (!socket.connected) {
    return Promise.resolve({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'not connected to the server; it reconnects by itself' },
    });
  }
  return sharedRequest(socket, event, payload, opts) as Promise<Ack<AgentAckData[E]>>;
}
