import { useEffect } from 'react';
import type { Call } from '#shared';
import { microphoneText } from './devices';
import type { Quality } from './quality';
import { chooseMicrophone, chooseSpeaker, refreshDevices, resumePlayback, retryMicrophone } from './session';
import type { VoiceSnapshot } from './types';
import { useVoice } from './VoiceSession';
import { videoStatsText } from './video-stats';
import './voice.css';

function phaseLabel(s: VoiceSnapshot | null): { text: string; tone: 'ok' | 'info' | 'warn' | 'bad' } {
  switch (s?.phase) {
    case 'connected':
      return { text: 'Audio connected', tone: 'ok' };
    case 'reconnecting':
      return { text: 'Reconnecting audio…', tone: 'warn' };
    case 'failed':
      return { text: 'No audio', tone: 'bad' };
    default:
      return { text: 'Connecting audio…', tone: 'info' };
  }
}

const LEVEL = {
  good: { text: 'Good', tone: 'ok' },
  fair: { text: 'Fair', tone: 'warn' },
  poor: { text: 'Poor', tone: 'bad' },
} as const;

/** The call's audio in the call panel: state, quality, microphone and speaker. */
export function VoiceControls({ call, person }: { call: Call; person: string }) {
  const mine = useVoice((s) => s.callId === call.id);
  const snapshot = useVoice((s) => s.snapshot);
  const permission = useVoice((s) => s.permission);
  const note = useVoice((s) => s.note);
  const playbackBlocked = useVoice((s) => s.playbackBlocked);

  useEffect(() => {
    void refreshDevices();
    const devices = navigator.mediaDevices;
    const onChange = () => void refreshDevices();
    devices?.addEventListener('devicechange', onChange);
    return () => devices?.removeEventListener('devicechange', onChange);
  }, []);

  if (!mine) return null;
  const phase = phaseLabel(snapshot);
  const mic = snapshot?.microphone ?? 'pending';
  const lastMute = call.timeline.findLast((e) => e.event === 'muted' || e.event === 'unmuted');
  const phoneMuted = call.muted && lastMute?.source === 'device';
  return (
    <section className="voice" aria-label="Audio">
      <div className="voice-row">
        <span role="status" className={`badge badge-${phase.tone}`} data-testid="voice-state">
          {phase.text}
        </span>
        {snapshot?.quality && <QualityLine quality={snapshot.quality} />}
        {snapshot?.video && (
          <span className="voice-numbers num" data-testid="video-stats">
            Video {videoStatsText(snapshot.video)}
          </span>
        )}
      </div>
      {snapshot?.error && <p className="voice-problem">{snapshot.error}</p>}
      {mic === 'pending' && permission === 'prompt' && (
        <p className="voice-note">Allow the microphone when the browser asks, so {person} can hear you.</p>
      )}
      {(mic === 'blocked' || mic === 'missing' || mic === 'error') && (
        <div className="voice-problem" role="alert">
          <p>{microphoneText(mic, snapshot?.microphoneError ?? null)}</p>
          <button type="button" className="btn btn-sm" onClick={() => void retryMicrophone()}>
            Retry
          </button>
        </div>
      )}
      {phoneMuted && <p className="voice-note">{person} muted their phone.</p>}
      {note && <p className="voice-note">{note}</p>}
      {playbackBlocked && (
        <button type="button" className="btn btn-sm" onClick={resumePlayback}>
          Play call audio
        </button>
      )}
      <DevicePickers />
    </section>
  );
}

function QualityLine({ quality }: { quality: Quality }) {
  const level = LEVEL[quality.level];
  const numbers =
    quality.rttMs === null
      ? 'measuring…'
      : `${ms(quality.rttMs)} round trip · ${ms(quality.jitterMs ?? 0)} jitter · ${quality.lossPct ?? 0}% lost`;
  return (
    <div className="voice-quality">
      <span className={`badge badge-${level.tone}`} data-testid="voice-quality">
        {level.text}
      </span>
      <span className="voice-numbers num">{numbers}</span>
      {quality.warnings.length > 0 ? (
        <p className="voice-hint">{quality.hint}</p>
      ) : (
        <details className="voice-details">
          <summary>What this means</summary>
          <p className="voice-hint">{quality.hint}</p>
        </details>
      )}
    </div>
  );
}

/** Loopback and a LAN measure under a millisecond: "0 ms" would read as no measurement. */
const ms = (v: number) => (v < 1 ? '<1 ms' : `${v} ms`);

function DevicePickers() {
  const inputs = useVoice((s) => s.inputs);
  const outputs = useVoice((s) => s.outputs);
  const microphoneId = useVoice((s) => s.microphoneId);
  const speakerId = useVoice((s) => s.speakerId);
  const speakerChoice = useVoice((s) => s.speakerChoice);
  // A remembered device that is not plugged in now stays selectable, named as such.
  const missing = (list: { id: string }[], id: string) => id !== '' && !list.some((d) => d.id === id);
  return (
    <div className="voice-devices">
      <label className="voice-field">
        <span>Microphone</span>
        <select value={microphoneId} onChange={(e) => void chooseMicrophone(e.target.value)}>
          <option value="">System default</option>
          {inputs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
          {missing(inputs, microphoneId) && <option value={microphoneId}>Not connected</option>}
        </select>
      </label>
      {speakerChoice && (
        <label className="voice-field">
          <span>Speaker</span>
          <select value={speakerId} onChange={(e) => void chooseSpeaker(e.target.value)}>
            <option value="">System default</option>
            {outputs.map((d) => (
              <option key={d.id} value={d.id}>
                {d.label}
              </option>
            ))}
            {missing(outputs, speakerId) && <option value={speakerId}>Not connected</option>}
          </select>
        </label>
      )}
    </div>
  );
}
