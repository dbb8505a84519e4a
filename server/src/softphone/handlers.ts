import type { AgentAckData, AgentRequest, AgentRequestName } from '#shared';
import type { AgentSocket } from '../gateways/hub';
import type { Softphones } from './softphones';

type Handlers<K extends AgentRequestName> = {
  [E in K]: (req: AgentRequest<E>) => Promise<AgentAckData[E]>;
};

/**
 * The requests that carry a call's media (or a consultation's): only the agent's softphone may
 * send them, so two of their pages never negotiate with the same phone.
 */
export const MEDIA_REQUESTS: ReadonlySet<AgentRequestName> = new Set([
  'rtc:signal',
  'rtc:ice',
  'consult:signal',
  // A supervision's two ends are the agent's softphone and the supervisor's (issue 26 item 5).
  'supervise:start',
  'supervise:signal',
  'supervise:ice',
]);

/** A console's softphone requests: take the softphone, change the agent's own settings. */
export function softphoneHandlers(softphones: Softphones, socket: AgentSocket) {
  const { agentId } = socket.data.actor;
  return {
    'softphone:take': () => softphones.take(socket),
    'softphone:configure': ({ autoAnswer }) => softphones.configure(agentId, autoAnswer),
  } satisfies Handlers<'softphone:take' | 'softphone:configure'>;
}
