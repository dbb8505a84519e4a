import { type FormEvent, useState } from 'react';
import type { ServerMode, SettingsView } from '../../../../preload/contract';
import { FormError, InputField } from '../../ui/Field';
import { desktopApi } from './bridge';

/** This computer's server (default) or a team server, and this computer's server's port and reach. */
export function ServerSettings({ view, onSaved }: { view: SettingsView; onSaved: () => void }) {
  const api = desktopApi()!;
  const [mode, setMode] = useState<ServerMode>(view.mode);
  const [url, setUrl] = useState(view.remoteUrl ?? '');
  const [port, setPort] = useState(String(view.embedded.port));
  const [phones, setPhones] = useState(view.embedded.phonesOnNetwork);
  const [outcome, setOutcome] = useState<{ busy: boolean; error: string | null; done: string | null }>({
    busy: false,
    error: null,
    done: null,
  });

  const portNumber = Number(port);
  const portError =
    Number.isInteger(portNumber) && portNumber >= 1024 && portNumber <= 65_535
      ? null
      : 'a port from 1024 to 65535';
  const embeddedChanged = portNumber !== view.embedded.port || phones !== view.embedded.phonesOnNetwork;
  const protection = view.certificateProtection;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setOutcome({ busy: true, error: null, done: null });
    let result: { ok: true } | { ok: false; message: string };
    if (mode === 'remote') {
      result = await api.switchToRemoteServer(url);
    } else if (view.mode === 'remote') {
      result = await api.switchToEmbeddedServer();
    } else if (embeddedChanged && !portError) {
      result = await api.configureEmbeddedServer({ port: portNumber, phonesOnNetwork: phones });
    } else {
      result = portError ? { ok: false, message: `Give ${portError}.` } : { ok: true };
    }
    // On success the main process reopens the window against the new server; until then, say so.
    setOutcome({ busy: false, error: result.ok ? null : result.message, done: result.ok ? 'Saved.' : null });
    if (result.ok) onSaved();
  };

  return (
    <section className="desk-card" aria-labelledby="desk-server-title">
      <h2 id="desk-server-title">Server</h2>
      <form onSubmit={(e) => void submit(e)} className="desk-form">
        <fieldset className="desk-choice">
          <legend className="visually-hidden">Which server this console uses</legend>
          <label>
            <input
              type="radio"
              name="mode"
              checked={mode === 'embedded'}
              onChange={() => setMode('embedded')}
            />
            This computer <span className="muted">— the app runs the call server itself, for one agent</span>
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'remote'} onChange={() => setMode('remote')} />A
            team server <span className="muted">— sign in there with your name and password</span>
          </label>
        </fieldset>
        {mode === 'remote' ? (
          <InputField
            label="Team server address"
            className="input mono"
            type="url"
            required
            placeholder="https://calls.example.com"
            value={url}
            onValue={setUrl}
          />
        ) : (
          <div className="desk-row">
            <InputField
              label="Port"
              hint="Phones keep this address: change it only if it is taken."
              error={portError && `Give ${portError}.`}
              className="input mono desk-port"
              inputMode="numeric"
              value={port}
              onValue={(value) => setPort(value.trim())}
            />
            <div className="field desk-phones">
              <label className="desk-check">
                <input
                  type="checkbox"
                  checked={phones}
                  disabled={protection === 'unavailable' && !phones}
                  aria-describedby="desk-phones-help"
                  onChange={(e) => setPhones(e.target.checked)}
                />
                Let phones on this network connect
              </label>
              <span id="desk-phones-help" className="muted">
                {phones
                  ? 'The server also listens on this network, over HTTPS with a certificate this app makes and keeps. Pairing codes carry its fingerprint, and phones accept no other certificate.'
                  : 'Only this computer can reach the server: phones cannot connect or be paired.'}
              </span>
            </div>
          </div>
        )}
        {mode === 'embedded' && (protection === 'unavailable' || (protection === 'weak' && phones)) && (
          <p className="desk-warn">
            {protection === 'weak'
              ? 'This computer has no keyring: the certificate’s key is stored with a fixed key, so anyone who can read your files can pretend to be this server to your phones.'
              : 'This computer offers no encrypted storage, so phones cannot be let in: the certificate’s key could not be kept safe.'}
          </p>
        )}
        <FormError>{outcome.error}</FormError>
        {outcome.done && <p role="status">{outcome.done}</p>}
        <div>
          <button type="submit" className="btn btn-primary" disabled={outcome.busy}>
            {outcome.busy ? 'Applying…' : 'Apply'}
          </button>
        </div>
      </form>
    </section>
  );
}
