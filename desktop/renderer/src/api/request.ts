import type { Socket } from 'socket.io-client';
import type { z } from 'zod';
import type {
  Ack,
  AgentAckData,
  AgentClientEvents,
  AgentRequestName,
  AgentServerEvents,
  agentRequests,
} from '#shared';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;
export type RequestPayload<E extends AgentRequestName> = z.input<(typeof agentRequests)[E]>;

const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One request, one ack. A lost ack (timeout, disconnect) resolves to UNAVAILABLE instead of
 * rejecting, so every caller handles failure the same way it handles a server refusal.
 */
export function request<E extends AgentRequestName>(
  socket: AgentSocket,
  event: E,
  payload: RequestPayload<E>,
  opts: { timeoutMs?: number } = {},
): Promise<Ack<AgentAckData[E]>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    if (!socket.connected) {
      resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'not connected to the server' } });
      return;
    }
    // The typed maps declare the ack as the last argument; socket.io-client's `timeout()` turns it
    // into an (err, ack) callback, which the generic emit signature cannot express.
    const timed = socket.timeout(timeoutMs) as unknown as {
      emit(ev: E, p: unknown, cb: (err: Error | null, ack: Ack<AgentAckData[E]>) => void): void;
    };
    timed.emit(event, payload, (err, ack) => {
      if (err)
        resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'the server did not answer in time' } });
      else resolve(ack);
    });
  });
}
