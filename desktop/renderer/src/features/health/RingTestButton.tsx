import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { useRequest } from '../../ui/useRequest';

/**
 * Rings a phone (or every phone of a staff member) as a real call "Ring test from <you>" that
 * ends itself after 5 s; the call panel shows it ring, and the phone's record takes the result.
 */
export function RingTestButton({
  target,
  label,
}: {
  target: { deviceId: string } | { staffId: string };
  label: string;
}) {
  const api = useApi();
  const request = useRequest();
  const busy = useConsole((s) => Object.values(s.calls).some((c) => c.state !== 'ended'));
  return (
    <>
      {request.error && (
        <span className="export-msg is-error" role="alert">
          {request.error}
        </span>
      )}
      <button
        type="button"
        className="btn"
        disabled={request.busy || busy}
        title={
          busy ? 'You are in a call: a ring test is a call of yours' : 'Rings for 5 seconds, then ends itself'
        }
        onClick={async () => {
          const ack = await request.run(() => api.request('ring:test', target));
          if (ack.ok) consoleStore.getState().callRequestDone(ack.data);
        }}
      >
        {label}
      </button>
    </>
  );
}
