import type { ChosenState } from '#shared';
import { useApi } from '../../api/context';
import { useNow } from '../../lib/useNow';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { useRequest } from '../../ui/useRequest';
import { STATE_TONE, shownState, stateInWords } from './words';
import './availability.css';

const CHOICES: { state: ChosenState; label: string }[] = [
  { state: 'available', label: 'Available' },
  { state: 'away', label: 'Away' },
];

/**
 * The agent's own availability in the top bar, and one click to change it: Available (which also
 * ends after-call work) or Away. Busy and after-call work are the server's, shown with their time.
 */
export function AvailabilityControl() {
  const api = useApi();
  const me = useConsole((s) => s.session?.agentId ?? null);
  const mine = useConsole((s) => (me ? s.agents[me] : undefined));
  const now = useNow(1000, mine !== undefined);
  const { busy, error, run } = useRequest();
  if (!mine) return null;
  const { state } = shownState(mine, now);
  const choose = (next: ChosenState) =>
    void run(async () => {
      const ack = await api.request('availability:set', { state: next });
      if (ack.ok) consoleStore.getState().availabilityChanged([ack.data]);
      return ack;
    });
  return (
    <fieldset className="availability" aria-label="Your availability">
      <span className={`badge badge-${STATE_TONE[state]}`} data-testid="my-availability">
        {stateInWords(mine, now)}
      </span>
      <span className="availability-choices">
        {CHOICES.map((c) => (
          <button
            key={c.state}
            type="button"
            className="availability-choice"
            aria-pressed={state === c.state}
            disabled={busy}
            onClick={() => choose(c.state)}
          >
            {c.label}
          </button>
        ))}
      </span>
      {error && (
        <span className="availability-error" role="alert">
          {error}
        </span>
      )}
    </fieldset>
  );
}
