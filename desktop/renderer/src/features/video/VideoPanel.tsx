import { type MouseEvent, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { type Call, partyPhone, VIDEO_MARKER_SHOW_MS } from '#shared';
import { useConsole } from '../../store/hooks';
import { useNames } from '../../store/names';
import { useVoice } from '../call';
import { applyVideo, grabFrame, pointOnPicture, stopVideo, videoMediaStore } from './session';
import { useVideoActions } from './useVideoActions';
import { videoStatusText } from './words';
import './video.css';

/**
 * The call's video in the call panel (issue 27): ask for the phone's camera, see it (larger when
 * popped out), take snapshots, point at a spot (a click puts a marker on the phone's preview),
 * turn the agent's own camera on, stop it. `softphone`: this console carries the call's media.
 */
export function VideoPanel({ call, softphone }: { call: Call; softphone: boolean }) {
  const names = useNames();
  const person = names.staff(call.staffId)?.name ?? 'Staff';
  const phoneId = partyPhone(call);
  const features = names.staff(call.staffId)?.devices.find((d) => d.id === phoneId)?.features;
  // Not known (an older server, or the app has not connected since the server kept it): offered as
  // before, and the server answers a phone that cannot with FORBIDDEN in words.
  const canVideo = features == null || features.includes('video');
  const video = useConsole((s) => s.videos[call.id]);
  const phase = useVoice((s) => (s.callId === call.id ? (s.snapshot?.phase ?? null) : null));
  const media = useStore(videoMediaStore);
  const actions = useVideoActions(call.id);
  const [popped, setPopped] = useState(false);
  const [marker, setMarker] = useState<{ x: number; y: number; at: number } | null>(null);
  const element = useRef<HTMLVideoElement>(null);
  const preview = useRef<HTMLVideoElement>(null);
  const flowing = video?.state === 'on' || video?.state === 'paused';

  // The voice's peer may come after the state (a reload): apply again once it exists.
  useEffect(() => {
    if (softphone && phase !== null) applyVideo(call.id, video);
  }, [softphone, call.id, video, phase]);
  useEffect(() => () => stopVideo(), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the <video> mounts when video flows
  useEffect(() => {
    if (element.current && element.current.srcObject !== media.remote)
      element.current.srcObject = media.remote;
  }, [media.remote, flowing]);
  useEffect(() => {
    if (preview.current && preview.current.srcObject !== media.local) preview.current.srcObject = media.local;
  }, [media.local]);
  useEffect(() => {
    if (!marker) return;
    const t = setTimeout(() => setMarker(null), VIDEO_MARKER_SHOW_MS);
    return () => clearTimeout(t);
  }, [marker]);

  if (call.state !== 'active') return null;
  const status =
    videoStatusText(video, person) ??
    (canVideo
      ? null
      : `${names.device(phoneId)?.device ?? 'This phone'} cannot send video: its app does not offer it.`);
  const point = (e: MouseEvent<HTMLVideoElement>) => {
    const v = e.currentTarget;
    const spot = pointOnPicture(v, v.getBoundingClientRect(), e.clientX, e.clientY);
    if (!spot) return;
    setMarker({ ...spot, at: Date.now() });
    void actions.marker(spot.x, spot.y);
  };

  return (
    <section className={`video${popped ? ' video-popped' : ''}`} aria-label="Video">
      {flowing && softphone && (
        <div className="video-stage">
          <video
            ref={element}
            className="video-remote"
            data-testid="video-remote"
            autoPlay
            playsInline
            muted
            onClick={point}
            aria-label={`${person}'s video: click to point at a spot`}
          />
          {marker && (
            <span
              className="video-marker"
              data-testid="video-marker"
              style={{ left: `${marker.x * 100}%`, top: `${marker.y * 100}%` }}
            />
          )}
          {media.local && (
            <video ref={preview} className="video-self" autoPlay playsInline muted aria-label="Your camera" />
          )}
        </div>
      )}
      <div className="video-row">
        {status && (
          <p className="video-status" data-testid="video-status" role="status">
            {status}
          </p>
        )}
      </div>
      <div className="video-controls">
        {canVideo && (!video || video.state === 'off') && (
          <button type="button" className="btn" disabled={call.held} onClick={() => void actions.request()}>
            Ask for video
          </button>
        )}
        {video?.state === 'requested' && (
          <button type="button" className="btn btn-quiet" onClick={() => void actions.stop()}>
            Cancel video request
          </button>
        )}
        {flowing && (
          <>
            {video.snapshots && softphone && (
              <button
                type="button"
                className="btn"
                onClick={() => void actions.snapshot(element.current && grabFrame(element.current))}
              >
                Snapshot
              </button>
            )}
            <button
              type="button"
              className="btn"
              aria-pressed={video.agentCamera}
              onClick={() => void actions.camera(!video.agentCamera)}
            >
              {video.agentCamera ? 'Turn my camera off' : 'Turn my camera on'}
            </button>
            {softphone && (
              <button
                type="button"
                className="btn btn-quiet"
                aria-pressed={popped}
                onClick={() => setPopped(!popped)}
              >
                {popped ? 'Back to the panel' : 'Pop out'}
              </button>
            )}
            <button type="button" className="btn btn-danger" onClick={() => void actions.stop()}>
              Stop video
            </button>
          </>
        )}
      </div>
      {actions.saved > 0 && (
        <p className="video-saved" role="status" data-testid="video-saved">
          {actions.saved === 1
            ? 'Snapshot saved with the call.'
            : `${actions.saved} snapshots saved with the call.`}
        </p>
      )}
      {actions.notice && (
        <p className="video-notice" role="alert">
          {actions.notice}
        </p>
      )}
    </section>
  );
}
