import { type FormEvent, useState } from 'react';
import type { ApnsEnvironment } from '#shared';
import type { ApnsView } from '../../../../preload/contract';
import { Field, FormError, InputField } from '../../ui/Field';
import { desktopApi } from './bridge';

type Outcome = { kind: 'error' | 'done'; text: string } | null;

/**
 * The APNs credentials of this computer's server. The .p8 key is picked in the system's file
 * dialog and goes from the main process to the server's process: this page never holds it, only
 * its file name.
 */
export function ApnsSettings({ view, onSaved }: { view: ApnsView; onSaved: () => void }) {
  const api = desktopApi()!;
  const [keyFile, setKeyFile] = useState(view.keyFileName);
  const [keyId, setKeyId] = useState(view.keyId);
  const [teamId, setTeamId] = useState(view.teamId);
  const [bundleId, setBundleId] = useState(view.bundleId);
  const [environment, setEnvironment] = useState<ApnsEnvironment | null>(view.environment);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const choose = async () => {
    const chosen = await api.chooseApnsKey();
    if (!chosen) return;
    if (!chosen.ok) return setOutcome({ kind: 'error', text: chosen.message });
    setOutcome(null);
    setKeyFile(chosen.fileName);
    if (chosen.keyIdHint) setKeyId(chosen.keyIdHint);
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    const result = await api.saveApns({ keyId, teamId, bundleId, environment });
    setBusy(false);
    setOutcome(
      result.ok
        ? { kind: 'done', text: 'Saved. This computer’s server restarted with them.' }
        : { kind: 'error', text: result.message },
    );
    if (result.ok) onSaved();
  };
  const clear = async () => {
    const result = await api.clearApns();
    setOutcome(result.ok ? { kind: 'done', text: 'Removed.' } : { kind: 'error', text: result.message });
    if (result.ok) onSaved();
  };

  return (
    <section className="desk-card" aria-labelledby="desk-apns-title">
      <h2 id="desk-apns-title">Push notifications (APNs)</h2>
      <p className="muted">
        With Apple’s VoIP push credentials, phones ring even when the Switchboard app is not open.
        {view.configured ? '' : ' Without them, a phone rings only while its app is connected.'}
      </p>
      {view.protection !== 'os' && (
        <p className="desk-warn" role="note">
          {view.protection === 'weak'
            ? 'This computer has no keyring: the key is stored encrypted with a key Electron keeps in the app, which anyone who copies the file can undo.'
            : 'This computer offers no encrypted storage, so the key cannot be stored.'}
        </p>
      )}
      <form className="desk-form" onSubmit={(e) => void save(e)}>
        <fieldset className="desk-choice">
          <legend className="desk-label">Auth key (.p8)</legend>
          <div className="desk-row">
            <span className="mono">{keyFile ?? 'none chosen'}</span>
            <button type="button" className="btn btn-sm" onClick={() => void choose()}>
              {keyFile ? 'Choose another…' : 'Choose .p8 file…'}
            </button>
          </div>
        </fieldset>
        <div className="desk-row">
          <IdField label="Key ID" value={keyId} onChange={setKeyId} placeholder="ABCDE12345" />
          <IdField label="Team ID" value={teamId} onChange={setTeamId} placeholder="TEAM123456" />
        </div>
        <IdField
          label="Bundle ID of the iOS app"
          value={bundleId}
          onChange={setBundleId}
          placeholder="com.example.switchboard"
        />
        <Field label="Environment">
          {(control) => (
            <select
              {...control}
              className="input"
              value={environment ?? 'auto'}
              onChange={(e) =>
                setEnvironment(e.target.value === 'auto' ? null : (e.target.value as ApnsEnvironment))
              }
            >
              <option value="auto">Each phone’s own (sandbox for development builds)</option>
              <option value="sandbox">Sandbox</option>
              <option value="production">Production</option>
            </select>
          )}
        </Field>
        <FormError>{outcome?.kind === 'error' && outcome.text}</FormError>
        {outcome?.kind === 'done' && <p role="status">{outcome.text}</p>}
        <div className="desk-row">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          {view.configured && (
            <button type="button" className="btn btn-quiet" onClick={() => void clear()}>
              Remove credentials
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

/** An Apple identifier: typed or pasted, kept without spaces. */
function IdField(props: {
  label: string;
  value: string;
  placeholder: string;
  onChange: (value: string) => void;
}) {
  return (
    <InputField
      label={props.label}
      className="input mono"
      value={props.value}
      placeholder={props.placeholder}
      spellCheck={false}
      autoComplete="off"
      onValue={(value) => props.onChange(value.trim())}
    />
  );
}
