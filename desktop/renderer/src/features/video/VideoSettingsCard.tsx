import { useEffect, useState } from 'react';
import { VIDEO_KBPS } from '#shared';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import { FormError } from '../../ui/Field';
import { useRequest } from '../../ui/useRequest';

/**
 * Team → Video (admins): whether agents may take snapshots of a call's video, and the cap on a
 * phone's video bitrate for the team (a phone on a poor network lowers its resolution within it
 * and keeps its frame rate). Saved for every console and every call from then on.
 */
export function VideoSettingsCard() {
  const api = useApi();
  const settings = useConsole((s) => s.videoSettings);
  const [snapshots, setSnapshots] = useState(true);
  const [kbps, setKbps] = useState(String(VIDEO_KBPS.default));
  const [dirty, setDirty] = useState(false);
  const { busy, error, run, refuse } = useRequest();

  useEffect(() => {
    void api.request('video:settings', {}).then((ack) => {
      if (ack.ok) consoleStore.getState().videoConfigured(ack.data);
    });
  }, [api]);
  useEffect(() => {
    if (!settings || dirty) return;
    setSnapshots(settings.snapshots);
    setKbps(String(settings.maxKbps));
  }, [settings, dirty]);

  const save = () => {
    const maxKbps = Number(kbps);
    if (!Number.isInteger(maxKbps) || maxKbps < VIDEO_KBPS.min || maxKbps > VIDEO_KBPS.max) {
      return refuse(`The bitrate cap is a whole number from ${VIDEO_KBPS.min} to ${VIDEO_KBPS.max} kbit/s.`);
    }
    void run(async () => {
      const ack = await api.request('video:configure', { snapshots, maxKbps });
      if (ack.ok) {
        consoleStore.getState().videoConfigured(ack.data);
        setDirty(false);
      }
      return ack;
    });
  };

  return (
    <section className="video-settings" aria-labelledby="video-settings-title">
      <h2 id="video-settings-title">Video</h2>
      <p className="muted">
        Agents may ask staff for their phone's camera during a call. These apply to every call from now on.
      </p>
      <label className="video-check">
        <input
          type="checkbox"
          checked={snapshots}
          onChange={(e) => {
            setSnapshots(e.target.checked);
            setDirty(true);
          }}
        />
        Agents may take snapshots (kept with the call, downloadable from history)
      </label>
      <label className="video-field">
        <span>Video bitrate cap per call (kbit/s)</span>
        <input
          className="input"
          inputMode="numeric"
          value={kbps}
          onChange={(e) => {
            setKbps(e.target.value);
            setDirty(true);
          }}
        />
      </label>
      <div>
        <button type="button" className="btn btn-primary" disabled={!dirty || busy} onClick={save}>
          {busy ? 'Saving…' : 'Save video settings'}
        </button>
      </div>
      <FormError>{error}</FormError>
    </section>
  );
}
