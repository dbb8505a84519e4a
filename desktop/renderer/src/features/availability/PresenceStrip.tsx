import { useMemo } from 'react';
import { AGENT_STATE_LABELS } from '#shared';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { presenceOrder, STATE_TONE, shownState, stateInWords } from './words';
import './availability.css';

/**
 * Every agent of the team and how they are, on every console: who can take a call now, who is
 * on one, in after-call work or away, and since when. Signed-out agents come last, dimmed.
 */
export function PresenceStrip() {
  const me = useConsole((s) => s.session?.agentId ?? null);
  const agents = useConsole((s) => s.agents);
  const list = useMemo(() => presenceOrder(Object.values(agents), me), [agents, me]);
  const now = useNow(1000, list.length > 0);
  if (list.length === 0) return null;
  const available = list.filter((a) => a.online && shownState(a, now).state === 'available').length;
  return (
    <section className="presence" aria-label="Team presence">
      <h2 className="presence-title">
        Team <span className="presence-count">{available} available</span>
      </h2>
      {/* It scrolls sideways when the team is wide: focusable, so a keyboard can scroll it too. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus (axe scrollable-region-focusable). */}
      <ul className="presence-list" tabIndex={0} aria-label="Agents and their availability">
        {list.map((a) => {
          const { state } = shownState(a, now);
          const name = a.agentId === me ? `${a.name} (you)` : a.name;
          return (
            <li
              key={a.agentId}
              className={a.online ? 'presence-agent' : 'presence-agent presence-offline'}
              aria-label={`${name}: ${AGENT_STATE_LABELS[state]}${a.online ? '' : ', signed out'}`}
              data-agent={a.name}
            >
              <span className="presence-name">{name}</span>
              <span className={`badge badge-${STATE_TONE[state]}`}>{stateInWords(a, now)}</span>
              {!a.online && <span className="presence-note">signed out</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
