import type { AgentAckData, AgentRequest, AgentRequestName } from '#shared';
import type { CallService } from '../calls/service';

type Handlers<K extends AgentRequestName> = {
  [E in K]: (req: AgentRequest<E>) => Promise<AgentAckData[E]>;
};

/** A console's transfer requests and its consultation's signaling. */
export function transferHandlers(calls: CallService, agentId: string) {
  const { transfers } = calls;
  return {
    'transfer:targets': async ({ callId }) => ({ agents: await transfers.targets(agentId, callId) }),
    'transfer:start': (req) => transfers.start(agentId, req),
    'transfer:accept': ({ callId }) => transfers.accept(agentId, callId),
    'transfer:decline': ({ callId }) => transfers.decline(agentId, callId),
    'transfer:complete': ({ callId }) => transfers.complete(agentId, callId),
    'transfer:cancel': ({ callId }) => transfers.cancel(agentId, callId),
    'consult:signal': async ({ callId, signal }) => {
      calls.relayConsult(agentId, callId, signal);
      return null;
    },
  } satisfies Handlers<
    | 'transfer:targets'
    | 'transfer:start'
    | 'transfer:accept'
    | 'transfer:decline'
    | 'transfer:complete'
    | 'transfer:cancel'
    | 'consult:signal'
  >;
}
