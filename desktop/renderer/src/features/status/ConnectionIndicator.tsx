import { useConsole } from '../../store/hooks';
import './status.css';

const LABEL = { connected: 'Connected', connecting: 'Connecting…', reconnecting: 'Reconnecting…' } as const;
const TONE = { connected: 'ok', connecting: 'info', reconnecting: 'bad' } as const;

/** Always in the header: is this console live? Words and a shape, not just a coloured dot. */
export function ConnectionIndicator() {
  const status = useConsole((s) => s.connection.status);
  return (
    <div className="connection" role="status" aria-label="Connection" aria-live="polite">
      <span className={`badge badge-${TONE[status]}`}>{LABEL[status]}</span>
    </div>
  );
}
