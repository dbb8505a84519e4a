import { useCallback, useState } from 'react';
import type { Ack } from '#shared';
import { useApi } from '../../api/context';
import { refusalText } from '../call';

/** The video requests of one call, each answered by `video:changed` or a refusal in words. */
export function useVideoActions(callId: string) {
  const api = useApi();
  const [notice, setNotice] = useState<string | null>(null);
  const [saved, setSaved] = useState(0);
  const done = useCallback((ack: Ack<unknown>, what: string) => {
    setNotice(ack.ok ? null : refusalText(ack, what));
    return ack.ok;
  }, []);
  return {
    notice,
    /** Snapshots saved from this panel during the call. */
    saved,
    request: async () => done(await api.request('video:request', { callId }), 'ask for video'),
    stop: async () => done(await api.request('video:stop', { callId }), 'stop the video'),
    camera: async (on: boolean) =>
      done(
        await api.request('video:camera', { callId, on }),
        on ? 'turn your camera on' : 'turn your camera off',
      ),
    marker: async (x: number, y: number) =>
      done(await api.request('video:marker', { callId, x, y }), 'point at the picture'),
    snapshot: async (frame: { jpeg: string; width: number; height: number } | null) => {
      if (!frame) {
        setNotice('Cannot take a snapshot: no picture yet.');
        return false;
      }
      const res = await api.http('POST /api/calls/:callId/snapshots', { params: { callId }, body: frame });
      if (!res.ok) {
        setNotice(`Cannot take a snapshot: ${res.error.message}`);
        return false;
      }
      setNotice(null);
      setSaved((n) => n + 1);
      return true;
    },
  };
}
