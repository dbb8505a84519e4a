// Types only: shared/ has no runtime dependency but zod; every client that calls `request` already
// holds a socket.io-client socket, whose type arguments carry the typed event maps of events.ts.
import type { Socket } from 'socket.io-client';
import type { Ack } from './ack';
import { ERROR_CODES } from './errors';

/** A client socket whose emitted events are the request map `Events` (e.g. AgentClientEvents). */
// biome-ignore lint/suspicious/noExplicitAny: what a socket listens to does not matter for sending.
export type AckingSocket<Events> = Socket<any, Events & {}>;

type RequestArgs<F> = F extends (payload: infer P, ack: (ack: infer A) => void) => void ? [P, A] : never;
export type RequestPayload<Events, E extends keyof Events> = RequestArgs<Events[E]>[0];
export type RequestAck<Events, E extends keyof Events> = RequestArgs<Events[E]>[1];

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * Sends one request and resolves with its ack. Never rejects: an ack that does not come back in
 * `timeoutMs` (server gone, connection dropped mid-request) resolves as `UNAVAILABLE`, which every
 * request may safely retry, since the server treats repeats as no-ops (DESIGN lesson 9).
 *
 * This is the only place a client emits with an ack; a test keeps it that way.
 */
export function request<Events, E extends keyof Events & string>(
  socket: AckingSocket<Events>,
  event: E,
  payload: RequestPayload<Events, E>,
  opts: { timeoutMs?: number } = {},
): Promise<RequestAck<Events, E>> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return new Promise((resolve) => {
    // The typed maps checked `event` and `payload` above; socket.io's own generics stop at the ack.
    const emitter = socket.timeout(timeoutMs) as unknown as {
      emit(event: string, payload: unknown, ack: (err: Error | null, ack: unknown) => void): void;
    };
    emitter.emit(event, payload, (err, ack) => {
      if (err) {
        resolve(unavailable(event, timeoutMs) as RequestAck<Events, E>);
        return;
      }
      resolve(ack as RequestAck<Events, E>);
    });
  });
}

function unavailable(event: string, timeoutMs: number): Ack<never> {
  return {
    ok: false,
    error: {
      code: ERROR_CODES.UNAVAILABLE,
      message: `${event}: no answer from the server within ${timeoutMs} ms; check the connection and try again`,
    },
  };
}
