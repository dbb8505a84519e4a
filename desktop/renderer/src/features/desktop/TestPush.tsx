import { useState } from 'react';
import { useApi } from '../../api/context';
import { useStaff } from '../../store/hooks';

/**
 * "Send a test push" to one phone: a VoIP push the phone reports and ends at once, and APNs'
 * answer in words (`push:test`). Usable wherever a device id is at hand (a roster row, too).
 */
export function TestPushButton({
  deviceId,
  label = 'Send a test push',
}: {
  deviceId: string;
  label?: string;
}) {
  const api = useApi();
  const [state, setState] = useState<{ busy: boolean; ok: boolean; text: string } | null>(null);
  const send = async () => {
    setState({ busy: true, ok: true, text: 'Sending…' });
    const ack = await api.request('push:test', { deviceId });
    setState(
      ack.ok
        ? { busy: false, ok: ack.data.outcome === 'accepted', text: ack.data.message }
        : { busy: false, ok: false, text: ack.error.message },
    );
  };
  return (
    <div className="desk-testpush">
      <button type="button" className="btn btn-sm" disabled={state?.busy} onClick={() => void send()}>
        {label}
      </button>
      {state && !state.busy && (
        <p className={state.ok ? 'desk-ok' : 'form-error'} role="status">
          {state.text}
        </p>
      )}
    </div>
  );
}

/** A phone to test, from the roster. */
export function TestPush() {
  const staff = useStaff();
  const phones = staff.flatMap((s) => s.devices.map((d) => ({ id: d.id, label: `${s.name} — ${d.name}` })));
  const [deviceId, setDeviceId] = useState<string>('');
  const chosen = phones.find((p) => p.id === deviceId)?.id ?? phones[0]?.id ?? null;
  return (
    <section className="desk-card" aria-labelledby="desk-test-title">
      <h2 id="desk-test-title">Test a phone</h2>
      {chosen === null ? (
        <p className="muted">No phone is paired yet: pair one from the Roster.</p>
      ) : (
        <div className="desk-row">
          <div className="field">
            <label htmlFor="desk-test-phone">Phone</label>
            <select
              id="desk-test-phone"
              className="input"
              value={chosen}
              onChange={(e) => setDeviceId(e.target.value)}
            >
              {phones.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
          </div>
          <TestPushButton key={chosen} deviceId={chosen} />
        </div>
      )}
    </section>
  );
}
