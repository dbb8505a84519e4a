import { useEffect, useState } from 'react';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { consoleStore } from '../../store/store';
import {
  applyRingtoneDevice,
  chooseMicrophone,
  chooseRingtone,
  chooseSpeaker,
  refreshDevices,
  useVoice,
} from '../call';
import { ringtone } from '../incoming';

/** A remembered device that is not plugged in now stays selectable, named as such. */
function DeviceSelect({
  label,
  value,
  options,
  onChoose,
}: {
  label: string;
  value: string;
  options: { id: string; label: string }[];
  onChoose: (id: string) => void;
}) {
  const missing = value !== '' && !options.some((d) => d.id === value);
  return (
    <label className="voice-field">
      <span>{label}</span>
      <select value={value} onChange={(e) => onChoose(e.target.value)}>
        <option value="">System default</option>
        {options.map((d) => (
          <option key={d.id} value={d.id}>
            {d.label}
          </option>
        ))}
        {missing && <option value={value}>Not connected</option>}
      </select>
    </label>
  );
}

/**
 * Audio and calls, in the dock on every page: the microphone, the call's speaker and the
 * ringtone's own device (remembered by this browser), auto-answer (the agent's, kept by the
 * server), background-tab notifications and where the keyboard shortcuts are listed.
 */
export function AudioSettings() {
  const api = useApi();
  const inputs = useVoice((s) => s.inputs);
  const outputs = useVoice((s) => s.outputs);
  const microphoneId = useVoice((s) => s.microphoneId);
  const speakerId = useVoice((s) => s.speakerId);
  const ringtoneId = useVoice((s) => s.ringtoneId);
  const speakerChoice = useVoice((s) => s.speakerChoice);
  const inCall = useVoice((s) => s.callId !== null);
  const note = useVoice((s) => s.note);
  const autoAnswer = useConsole((s) => s.softphone?.autoAnswer ?? false);
  const [problem, setProblem] = useState<string | null>(null);
  // The box follows the click at once; the server's answer settles it (back, if it refused).
  const [asked, setAsked] = useState<boolean | null>(null);
  const [notifications, setNotifications] = useState(() =>
    typeof Notification === 'undefined' || window.api ? null : Notification.permission,
  );

  // Unplugging a device mid-call falls back at once (refreshDevices), whether or not this is open.
  useEffect(() => {
    applyRingtoneDevice();
    void refreshDevices();
    const devices = navigator.mediaDevices;
    const onChange = () => void refreshDevices();
    devices?.addEventListener('devicechange', onChange);
    return () => devices?.removeEventListener('devicechange', onChange);
  }, []);

  const configure = async (on: boolean) => {
    setAsked(on);
    const ack = await api.request('softphone:configure', { autoAnswer: on });
    if (ack.ok) consoleStore.getState().softphoneChanged(ack.data);
    setAsked(null);
    setProblem(ack.ok ? null : `Could not change auto-answer: ${ack.error.message}`);
  };

  return (
    <details className="softphone-settings">
      <summary>Audio and calls</summary>
      <div className="softphone-settings-body">
        <DeviceSelect label="Microphone" value={microphoneId} options={inputs} onChoose={chooseMicrophone} />
        {speakerChoice && (
          <DeviceSelect label="Call speaker" value={speakerId} options={outputs} onChoose={chooseSpeaker} />
        )}
        {ringtone.canChooseDevice && (
          <DeviceSelect label="Ringtone" value={ringtoneId} options={outputs} onChoose={chooseRingtone} />
        )}
        {/* In a call the call panel shows the note, next to the call's audio. */}
        {note && !inCall && <p className="voice-note">{note}</p>}
        <label className="softphone-check">
          <input
            type="checkbox"
            checked={asked ?? autoAnswer}
            onChange={(e) => void configure(e.target.checked)}
          />
          Answer calls automatically (after a short tone)
        </label>
        {problem && <p role="alert">{problem}</p>}
        {notifications === 'default' && (
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => void Notification.requestPermission().then(setNotifications)}
          >
            Notify me of calls in a background tab
          </button>
        )}
        {notifications === 'denied' && (
          <p className="muted">
            Notifications are blocked for this site: a background tab rings and blinks its title.
          </p>
        )}
        <p className="muted">
          Keyboard: press <kbd>?</kbd> for the call shortcuts.
        </p>
      </div>
    </details>
  );
}
