import type { AgentAckData, AgentRequest } from '#shared';
import type { CallService } from '../calls/service';
import type { Asker, Callbacks } from './service';

type Names = 'callbacks:list' | 'callback:claim' | 'callback:release' | 'callback:call' | 'callback:close';

/**
 * A console's callback requests. Every agent may send them (the access table); whose callback it
 * is, and whether the asker is an admin now, the service decides on each one.
 */
export function callbackHandlers(
  callbacks: Callbacks,
  calls: Pick<CallService, 'place'>,
  asker: () => Promise<Asker>,
): { [E in Names]: (req: AgentRequest<E>) => Promise<AgentAckData[E]> } {
  return {
    'callbacks:list': async () => ({ callbacks: await callbacks.list() }),
    'callback:claim': async ({ callbackId }) => callbacks.claim(callbackId, await asker()),
    'callback:release': async ({ callbackId }) => callbacks.release(callbackId, await asker()),
    'callback:call': async ({ callbackId }) => {
      const me = await asker();
      return callbacks.callBack(callbackId, me, (staffId) => calls.place(me.id, { staffId, video: false }));
    },
    'callback:close': async ({ callbackId, reason }) => callbacks.close(callbackId, await asker(), reason),
  };
}
