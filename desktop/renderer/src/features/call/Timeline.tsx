import type { Call } from '#shared';
import { formatOffset } from '../../lib/time';
import type { Names } from '../../store/names';
import { timelineItems } from './words';

/** What happened, in order, each step with its time from the start of the call. */
export function Timeline({ call, names, agentId }: { call: Call; names: Names; agentId: string | null }) {
  const items = timelineItems(call, names, agentId);
  return (
    <section className="timeline" aria-label="Timeline">
      <h3>Timeline</h3>
      <ol data-testid="timeline">
        {items.map((item) => (
          <li key={item.key} className={`tl-${item.tone}`}>
            <span className="tl-text">{item.text}</span>
            <span className="tl-offset num">{formatOffset(item.offset)}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
