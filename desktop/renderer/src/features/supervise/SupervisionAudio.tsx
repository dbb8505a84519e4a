import { useEffect, useRef } from 'react';
import type { SuperviseMode } from '#shared';
import { useApi } from '../../api/context';
import { useConsole } from '../../store/hooks';
import { type LegSide, setLegMode, startLeg, stopLeg } from './legs';
import { mySupervision } from './slice';

/**
 * Runs this page's sides of supervisions, whatever the dock shows: the agent's (an admin
 * supervises their call: it mixes and offers) and the supervisor's. Mounted on the softphone page
 * only, which carries the agent's call audio.
 */
export function SupervisionAudio() {
  const me = useConsole((s) => s.session?.agentId ?? null);
  // Strings, so the selections are the same value while the supervision is: no re-render loop.
  const agentSide = useConsole((s) => {
    const mine = Object.values(s.supervisions).find((x) => x.agentId === me && s.calls[x.callId]);
    return mine ? `${mine.callId} ${mine.mode}` : null;
  });
  const supervisorSide = useConsole((s) => {
    const mine = mySupervision(s, me);
    return mine ? `${mine.callId} ${mine.mode}` : null;
  });
  return (
    <>
      <Leg side="agent" found={agentSide} />
      <Leg side="supervisor" found={supervisorSide} />
    </>
  );
}

function Leg({ side, found }: { side: LegSide; found: string | null }) {
  const api = useApi();
  const audio = useRef<HTMLAudioElement>(null);
  const [callId, mode] = (found?.split(' ') ?? [null, null]) as [string | null, SuperviseMode | null];
  const modeRef = useRef(mode);
  modeRef.current = mode;

  useEffect(() => {
    const element = audio.current;
    if (!callId || !element || !modeRef.current) return;
    void startLeg(api, side, callId, modeRef.current, element);
    return () => stopLeg(side);
  }, [api, side, callId]);

  useEffect(() => {
    if (callId && mode) setLegMode(side, mode);
  }, [side, callId, mode]);

  // biome-ignore lint/a11y/useMediaCaption: a live supervision's audio has no captions to offer.
  return <audio ref={audio} className="voice-audio" data-testid={`supervise-audio-${side}`} />;
}
