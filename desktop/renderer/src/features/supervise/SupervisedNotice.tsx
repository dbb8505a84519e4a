import type { Call } from '#shared';
import { useConsole } from '../../store/hooks';
import { supervisionOfMyCall } from './slice';
import { supervisedText } from './words';

/**
 * In the agent's call card: who supervises this call and how. Always shown: an agent is never
 * listened to without knowing it.
 */
export function SupervisedNotice({ call }: { call: Call }) {
  const me = useConsole((s) => s.session?.agentId ?? null);
  const supervision = useConsole((s) => supervisionOfMyCall(s, call.id, me));
  if (!supervision || call.state === 'ended') return null;
  return (
    <p className={`supervised supervised-${supervision.mode}`} role="status" data-testid="supervised">
      <span className="supervised-dot" aria-hidden="true" />
      {supervisedText(supervision.supervisorName, supervision.mode)}
    </p>
  );
}
