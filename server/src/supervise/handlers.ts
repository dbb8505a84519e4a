import type { AgentAckData, AgentRequest, AgentRequestName } from '#shared';
import type { Supervisions } from './supervisions';

type Handlers<K extends AgentRequestName> = {
  [E in K]: (req: AgentRequest<E>) => Promise<AgentAckData[E]>;
};

/**
 * A console's supervision requests. Only admins reach the first four (shared/access.ts); the media
 * requests come from either of a supervision's two consoles, and Supervisions checks which.
 */
export function superviseHandlers(
  supervisions: Supervisions,
  me: () => { id: string; name: string; admin: boolean },
) {
  return {
    'supervise:live': async () => supervisions.board(),
    'supervise:start': async ({ callId, mode }) => supervisions.start(me(), callId, mode),
    'supervise:mode': async ({ callId, mode }) => supervisions.mode(me().id, callId, mode),
    'supervise:stop': async ({ callId }) => {
      supervisions.stop(me().id, callId);
      return null;
    },
    'supervise:signal': async ({ callId, signal }) => {
      supervisions.relay(me(), callId, signal);
      return null;
    },
    'supervise:ice': async ({ callId }) => supervisions.ice(me(), callId),
  } satisfies Handlers<
    | 'supervise:live'
    | 'supervise:start'
    | 'supervise:mode'
    | 'supervise:stop'
    | 'supervise:signal'
    | 'supervise:ice'
  >;
}
