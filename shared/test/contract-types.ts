/**
 * Checked by `npm run typecheck`, never run: the compiler must refuse a request with the wrong
 * payload and a handler that returns the wrong ack. Each `@ts-expect-error` fails the typecheck
 * if the line below it ever compiles.
 */
import type { Socket } from 'socket.io-client';
import type { AgentAckData } from '#shared';
import { type AgentClientEvents, type AgentServerEvents, agentRequests, request } from '#shared';
import { bindRequests, type Handlers } from '../../server/src/gateways/requests';

declare const socket: Socket<AgentServerEvents, AgentClientEvents>;

export async function requests() {
  const ack = await request(socket, 'call:place', { staffId: 'ana' });
  if (ack.ok) ack.data.timeline satisfies unknown[];
  // @ts-expect-error an unknown request
  await request(socket, 'call:teleport', {});
  // @ts-expect-error a payload of the wrong shape
  await request(socket, 'call:hangup', { staffId: 'ana' });
  // @ts-expect-error history pages have no `call`
  if (ack.ok) (await request(socket, 'history:query', {})).ok && ack.data.call;
}

export function handlers(h: Handlers<typeof agentRequests, AgentAckData>) {
  bindRequests<typeof agentRequests, AgentAckData>(
    null as never,
    agentRequests,
    {
      ...h,
      // @ts-expect-error a handler must resolve with its request's ack data, not a staff entry
      'call:hangup': async () => ({ staffId: 'ana' }),
    },
    null as never,
  );
}
