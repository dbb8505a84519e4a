import { useState } from 'react';
import { useApi } from '../../api/context';
import { useStaff } from '../../store/hooks';
import { Field } from '../../ui/Field';

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
  const [result, setResult] = useState<{ busy: boolean; ok: boolean; text: string } | null>(null);
  const send = async () => {
    setResult({ busy: true, ok: true, text: 'Sending…' });
    const ack = await api.request('push:test', { deviceId });
    setResult(
      ack.ok
        ? { busy: false, ok: ack.data.outcome === 'accepted', text: ack.data.message }
        : { busy: false, ok: false, text: ack.error.message },
    );
  };
  return (
    <div className="desk-testpush">
      <button type="button" className="btn btn-sm" disabled={result?.busy} onClick={() => void send()}>
        {label}
      </button>
      {result && !result.busy && (
        <p className={result.ok ? 'desk-ok' : 'form-error'} role="status">
          {result.text}
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
          <Field label="Phone">
            {(control) => (
              <select
                {...control}
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
            )}
          </Field>
          <TestPushButton key={chosen} deviceId={chosen} />
        </div>
      )}
    </section>
  );
}
