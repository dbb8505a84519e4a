import { io, type Socket } from 'socket.io-client';
import {
  type AgentClientEvents,
  type AgentServerEvents,
  agentAuth,
  type RequestAck,
  type RequestPayload,
  request,
  type StaffEntry,
} from '#shared';

export type AgentSocket = Socket<AgentServerEvents, AgentClientEvents>;

/** A console's socket for scripts and tools: typed both ways, with the versioned handshake. */
export function openAgentSocket(server: string, token: string): AgentSocket {
  return io(new URL('/agent', server).toString(), {
    auth: agentAuth(token),
    transports: ['websocket'],
    forceNew: true,
  });
}

/** Resolves with the roster the server sends on connect; rejects with the handshake's refusal. */
export function firstRoster(socket: AgentSocket): Promise<StaffEntry[]> {
  return new Promise((resolve, reject) => {
    socket.once('roster:snapshot', ({ staff }) => resolve(staff));
    socket.once('connect_error', reject);
  });
}

type Data<E extends keyof AgentClientEvents> = Extract<
  RequestAck<AgentClientEvents, E>,
  { ok: true }
>['data'];

/** A request whose refusal is an error for the script: throws with the server's code and message. */
export async function ask<E extends keyof AgentClientEvents & string>(
  socket: AgentSocket,
  event: E,
  payload: RequestPayload<AgentClientEvents, E>,
): Promise<Data<E>> {
  const ack = await request(socket, event, payload);
  if (!ack.ok) throw new Error(`${event}: ${ack.error.code} ${ack.error.message}`);
  return ack.data as Data<E>;
}
